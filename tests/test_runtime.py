"""The runtime's lookups over the committed generated/ tables."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import dicomstd.generated
from dicomstd import dictionary, registry
from dicomstd.generated import data_dictionary, uids


def test_every_generated_module_imports() -> None:
    names = [m.name for m in pkgutil.walk_packages(dicomstd.generated.__path__, "dicomstd.generated.")]
    assert {f"dicomstd.generated.{name}" for name in ("data_dictionary", "uids", "iod_index", "iods.ct_image", "modules.patient")} <= set(names)
    assert len(names) > 900
    for name in names:
        importlib.import_module(name)
    assert dicomstd.generated.__dicom_edition__ == "2024c"


def test_import_dicomstd_loads_no_table() -> None:
    code = "import sys, dicomstd, dicomstd.generated; print(sorted(m for m in sys.modules if m.startswith('dicomstd.generated.')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "query, keyword, vrs, vm",
    [
        ("(0010,0010)", "PatientName", ("PN",), "1"),
        ("00080005", "SpecificCharacterSet", ("CS",), "1-n"),
        (0x7FE00010, "PixelData", ("OB", "OW"), "1"),
        ("PixelRepresentation", "PixelRepresentation", ("US",), "1"),
        ("0028,0106", "SmallestImagePixelValue", ("US", "SS"), "1"),
    ],
)
def test_lookup_by_tag_and_keyword(query: int | str, keyword: str, vrs: tuple[str, ...], vm: str) -> None:
    element = dictionary.lookup(query)
    assert (element.keyword, element.value_representations, element.value_multiplicity) == (keyword, vrs, vm)
    assert element.source.startswith("PS3.6 ")


def test_repeating_groups() -> None:
    overlay = dictionary.lookup(0x60023000)
    assert (overlay.tag, overlay.keyword, overlay.tag_value) == ("60xx,3000", "OverlayData", 0x60003000)
    assert dictionary.lookup("OverlayRows").tag == "60xx,0010"
    assert dictionary.lookup("(60xx,3000)").keyword == "OverlayData"  # as PS3.6 prints it
    assert dictionary.lookup(0x601E3000).tag == "60xx,3000"
    assert dictionary.lookup(0x00280412).tag == "0028,04x2"  # a range within the element


@pytest.mark.parametrize(
    "tag, message",
    [
        (0x60013000, "private tag"),  # odd: a private group, not overlay plane 2
        (0x60203000, "not in the registry"),  # PS3.5 Section 7.6: 6000-601E only
        (0x7F010010, "private tag"),
    ],
)
def test_repeating_groups_are_even_groups_of_their_range(tag: int, message: str) -> None:
    with pytest.raises(KeyError, match=message):
        dictionary.lookup(tag)


def test_command_fields_come_from_ps3_7() -> None:
    command = dictionary.lookup("CommandField")
    assert (command.tag, command.value_representations, command.source) == (
        "0000,0100", ("US",), "PS3.7 2024c Table E.1-1"
    )
    assert dictionary.lookup("(0000,0100)") == command
    with pytest.raises(KeyError, match="not a command field"):
        dictionary.lookup(0x00009999)


def test_uid_keywords_and_padding() -> None:
    assert registry.lookup_uid_keyword("CTImageStorage")[0] == "1.2.840.10008.5.1.4.1.1.2"
    assert registry.lookup_uid("1.2.840.10008.1.2\x00").name.startswith("Implicit VR Little Endian")
    with pytest.raises(KeyError):
        registry.lookup_uid_keyword("NoSuchUIDKeyword")


def test_retired_and_unknown() -> None:
    assert dictionary.lookup(0x00080010).retired  # Recognition Code (Retired)
    with pytest.raises(KeyError, match="0009,0010"):
        dictionary.lookup(0x00090010)  # a private creator: never in PS3.6
    with pytest.raises(ValueError):
        dictionary.parse_tag("(0010,00)")
    with pytest.raises(ValueError, match="not a tag"):
        dictionary.lookup(-1)


def test_secondary_source_is_marked() -> None:
    secondary = [s for s in data_dictionary.SOURCES if not s.startswith("PS3.6")]
    assert secondary and all(s.startswith("pydicom ") for s in secondary)


def test_uid_constants_and_registry() -> None:
    assert uids.ExplicitVRLittleEndian == "1.2.840.10008.1.2.1"
    entry = registry.lookup_uid(uids.CTImageStorage)
    assert (entry.name, entry.uid_type, entry.defining_part) == ("CT Image Storage", "SOP Class", "PS3.4")
    assert registry.is_uid("1.2.840.10008.1.2") and not registry.is_uid("1.02.3")


def test_transfer_syntaxes() -> None:
    implicit = registry.lookup_transfer_syntax(uids.ImplicitVRLittleEndian)
    assert (implicit.explicit_vr, implicit.little_endian, implicit.encapsulated) == (False, True, False)
    assert registry.lookup_transfer_syntax(uids.DeflatedExplicitVRLittleEndian).deflated
    assert registry.lookup_transfer_syntax(uids.JPEGBaseline8Bit).encapsulated
    big = registry.lookup_transfer_syntax("1.2.840.10008.1.2.2")
    assert (big.little_endian, big.retired) == (False, True)


def test_value_representations() -> None:
    assert registry.lookup_value_representation("UI").maximum_length == 64
    assert registry.lookup_value_representation("UI").padding == "\x00"
    assert registry.lookup_value_representation("CS").maximum_length == 16
    assert registry.lookup_value_representation("US").fixed_length
    with pytest.raises(KeyError):
        registry.lookup_value_representation("XX")


def test_command_dictionary() -> None:
    from dicomstd.generated.command_dictionary import COMMAND_ELEMENTS

    assert COMMAND_ELEMENTS[0x00000100].keyword == "CommandField"
    assert any(entry.retired for entry in COMMAND_ELEMENTS.values())
