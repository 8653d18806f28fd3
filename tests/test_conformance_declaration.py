"""dicomstd conformance: reading declarations, and one clear message per problem, at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dicomstd.cli import main
from dicomstd.conformance.declaration import (
    DeclarationError,
    expand_shorthand,
    load_declaration,
    parse_declaration,
)
from dicomstd.conformance.locate import locate
from dicomstd.conformance.service_classes import service_class

EXAMPLES = Path(__file__).resolve().parents[1] / "dicomstd" / "conformance" / "examples"

MINIMAL = """\
schema_version = 1

[product]
name = "P"
version = "1"
manufacturer = "M"

[implementation]
class_uid = "2.25.1"

[transfer_syntax_sets.U]
name = "Uncompressed"
transfer_syntaxes = ["ExplicitVRLittleEndian"]

[[application_entities]]
name = "AE1"

[[application_entities.services]]
sop_classes = ["CTImageStorage"]
role = "SCU"
transfer_syntax_sets = ["U"]
"""


def problems(text: str) -> list[tuple[str, int, str]]:
    with pytest.raises(DeclarationError) as caught:
        parse_declaration(text, "decl.toml")
    return [(p.severity, p.line, p.message) for p in caught.value.problems]


def errors(text: str) -> list[tuple[int, str]]:
    return [(line, message) for severity, line, message in problems(text) if severity == "error"]


@pytest.mark.parametrize("name", ["ct_modality.toml", "pacs_archive.toml"])
def test_examples_load_without_problems(name: str) -> None:
    declaration = load_declaration(EXAMPLES / name)
    assert declaration.warnings == []
    assert declaration.application_entities


def test_minimal() -> None:
    declaration = parse_declaration(MINIMAL, "decl.toml")
    (ae,) = declaration.application_entities
    (service,) = ae.services
    assert [ref.name for ref in service.sop_classes] == ["CT Image Storage"]
    assert [ts.uid for ts in service.transfer_syntaxes] == ["1.2.840.10008.1.2.1"]


# -- the three kinds of error of the issue ----------------------------------------------------


def test_schema_violation_names_the_line() -> None:
    text = MINIMAL.replace('role = "SCU"', 'role = "SCU"\nrol = "SCP"')
    assert errors(text) == [
        (
            21,
            "application_entities[0].services[0].rol: unknown key 'rol' (the schema allows: "
            "activity, description, extended_negotiation, role, sop_classes, "
            "transfer_syntax_sets, transfer_syntaxes)",
        )
    ]


def test_schema_wrong_value_and_missing_key() -> None:
    text = MINIMAL.replace('role = "SCU"', 'role = "XYZ"').replace('manufacturer = "M"\n', "")
    found = errors(text)
    assert (3, "product: the required key 'manufacturer' is missing") in found
    assert (
        19,
        "application_entities[0].services[0].role: 'XYZ' is not one of 'SCU', 'SCP'",
    ) in found
    assert len(found) == 2


def test_unknown_uid_names_the_line() -> None:
    text = MINIMAL.replace(
        '["CTImageStorage"]', '["CTImageStorage",\n  "1.2.840.10008.5.1.4.1.1.999"]'
    )
    assert errors(text) == [
        (
            20,
            "unknown SOP Class '1.2.840.10008.5.1.4.1.1.999': neither a UID nor a keyword of the "
            "UID registry (PS3.6 Annex A)",
        )
    ]


def test_misspelt_keyword_suggests() -> None:
    text = MINIMAL.replace('["CTImageStorage"]', '["CTImageStorag"]')
    ((line, message),) = errors(text)
    assert line == 19 and message.endswith("did you mean 'CTImageStorage'?")


def test_uid_of_another_kind() -> None:
    text = MINIMAL.replace('["CTImageStorage"]', '["JPEGBaseline8Bit"]')
    ((line, message),) = errors(text)
    assert line == 19
    assert "is a Transfer Syntax (JPEG Baseline" in message and "not a SOP Class" in message


def test_retired_uid_is_a_warning() -> None:
    text = MINIMAL.replace(
        '["ExplicitVRLittleEndian"]', '["ExplicitVRLittleEndian", "ExplicitVRBigEndian"]'
    )
    declaration = parse_declaration(text, "decl.toml")
    (warning,) = declaration.warnings
    assert warning.line == 13
    assert warning.message == (
        "Transfer Syntax Explicit VR Big Endian (1.2.840.10008.1.2.2) is retired "
        "(PS3.6 Annex A, PS3.5 (2011))"
    )


def test_role_the_service_class_does_not_have() -> None:
    # The Media Storage Directory is exchanged on media only: it has no SCU/SCP role.
    text = MINIMAL.replace(
        '["CTImageStorage"]', '["CTImageStorage", "MediaStorageDirectoryStorage"]'
    )
    assert errors(text) == [
        (
            19,
            "Media Storage Directory Storage (1.2.840.10008.1.3.10) is offered as SCU, a role the "
            "Media Storage Service Class (PS3.4 Annex I) does not have: its roles are FSC, FSR, FSU",
        )
    ]


def test_media_role_the_service_class_does_not_have() -> None:
    text = (
        MINIMAL
        + '\n[[media]]\nname = "M"\n[[media.profiles]]\nprofile = "STD-GEN-CD"\nroles = ["FSC"]\nsop_classes = ["CTImageStorage", "Verification"]\n'
    )
    assert errors(text) == [
        (
            28,
            "Verification SOP Class (1.2.840.10008.1.1) is used on media as FSC, a role the "
            "Verification Service Class (PS3.4 Annex A) does not have: its roles are SCP, SCU",
        )
    ]


def test_every_problem_is_reported() -> None:
    text = MINIMAL.replace('["CTImageStorage"]', '["NoSuchClass"]').replace(
        'transfer_syntax_sets = ["U"]', 'transfer_syntax_sets = ["X"]'
    )
    found = errors(text)
    assert [line for line, _ in found] == [19, 21]
    assert "unknown Transfer Syntax Set 'X' (declared in [transfer_syntax_sets]: U)" in found[1][1]


def test_either_transfer_syntaxes_or_sets() -> None:
    assert errors(MINIMAL.replace('transfer_syntax_sets = ["U"]\n', "")) == [
        (18, "application_entities[0].services[0]: give transfer_syntax_sets or transfer_syntaxes")
    ]


def test_toml_syntax_error() -> None:
    ((line, message),) = errors(MINIMAL.replace('name = "P"', 'name = "P'))
    assert line == 4 and message.startswith("TOML syntax:")


def test_created_must_have_an_iod_and_known_keywords() -> None:
    text = MINIMAL + (
        '\n[[created]]\nsop_class = "ModalityWorklistInformationModelFind"\n'
        '\n[[created]]\nsop_class = "CTImageStorage"\nmodules = ["No Such Module"]\n'
        '[created.attributes]\nPatientNam = "MWL"\n'
    )
    found = errors(text)
    assert [line for line, _ in found] == [24, 28, 30]
    assert "has no IOD in PS3.4" in found[0][1]
    assert "'No Such Module' is not a Module of the CT Image IOD" in found[1][1]
    assert "'PatientNam' is not a Keyword of the data dictionary (PS3.6)" in found[2][1]


def test_source_terms_are_checked_by_the_schema() -> None:
    text = (
        MINIMAL
        + '\n[[created]]\nsop_class = "CTImageStorage"\n[created.attributes]\nPatientName = "MWL; NOPE"\n'
    )
    ((line, message),) = errors(text)
    assert line == 26
    assert message.startswith(
        "created[0].attributes.PatientName: 'MWL; NOPE' does not have the required form"
    )


def test_profiles_and_character_sets() -> None:
    text = MINIMAL + (
        '\n[character_sets]\nsupported = ["ISO_IR 100", "ISO_IR 1OO"]\n'
        '\n[security]\n[[security.profiles]]\nname = "BCP 195 TLS Secure Transport Connection Profile"\n'
        '[[security.profiles]]\nname = "No Such Profile"\n'
        '\n[[media]]\nname = "M"\n[[media.profiles]]\nprofile = "GEN-CD"\nroles = ["FSC"]\n'
    )
    found = problems(text)
    assert (
        "error",
        24,
        "'ISO_IR 1OO' is not a Defined Term of Specific Character Set (0008,0005), PS3.3 Section C.12.1.1.2; did you mean 'ISO_IR 100'?",
    ) in found
    assert (
        "warning",
        28,
        "BCP 195 TLS Secure Transport Connection Profile is retired (PS3.15 Section B.9)",
    ) in found
    assert any(
        p[0] == "error" and p[1] == 30 and "unknown Security Profile 'No Such Profile'" in p[2]
        for p in found
    )
    assert any(
        p[0] == "error"
        and p[1] == 35
        and "'GEN-CD' is not a Media Storage Application Profile" in p[2]
        for p in found
    )


# -- the command -------------------------------------------------------------------------------


def test_command_prints_one_line_per_error_and_exits_2(tmp_path: Path) -> None:
    declaration = tmp_path / "bad.toml"
    declaration.write_text(
        MINIMAL.replace(
            '["CTImageStorage"]', '["NoSuchClass", "MediaStorageDirectoryStorage"]'
        ).replace('role = "SCU"', 'role = "SCU"\ncolour = 1'),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["conformance", str(declaration), "-o", str(tmp_path / "out.html")]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1  # the schema error stops before the meaning is checked
    assert lines[0] == (
        f"dicomstd: error: {declaration}:21: application_entities[0].services[0].colour: unknown key "
        "'colour' (the schema allows: activity, description, extended_negotiation, role, "
        "sop_classes, transfer_syntax_sets, transfer_syntaxes)"
    )
    declaration.write_text(
        MINIMAL.replace('["CTImageStorage"]', '["NoSuchClass", "MediaStorageDirectoryStorage"]'),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["conformance", str(declaration), "-o", str(tmp_path / "out.html")]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"dicomstd: error: {declaration}:19: ") for line in lines)
    assert "unknown SOP Class 'NoSuchClass'" in lines[0]
    assert "Media Storage Directory Storage (1.2.840.10008.1.3.10) is offered as SCU" in lines[1]
    assert not (tmp_path / "out.html").exists()


def test_command_rejects_unknown_output_kind(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["conformance", str(EXAMPLES / "pacs_archive.toml"), "-o", str(tmp_path / "out.pdf")]
    )
    assert result.exit_code == 2
    assert "must end in .html or .md" in result.stderr


# -- helpers -----------------------------------------------------------------------------------


def test_locate() -> None:
    text = 'a = 1\n[t]\n"q.k" = [\n  1,\n  { x = "y" },\n]\n[[r]]\nn = 1\n[[r.s]]\nm = """a\nb"""\n[[r]]\n[[r.s]]\nm = 2\n'
    where = locate(text)
    assert where.exact(("a",)) == 1
    assert where.exact(("t", "q.k", 1, "x")) == 5
    assert where.exact(("r", 0, "s", 0, "m")) == 10
    assert where.exact(("r", 1, "s", 0, "m")) == 14
    assert where.line(("r", 1, "s", 0, "nothing", 3)) == 13


def test_shorthands() -> None:
    storage = expand_shorthand("all-storage")
    images = expand_shorthand("all-image-storage")
    assert set(images) < set(storage)
    assert "1.2.840.10008.5.1.4.1.1.2" in images  # CT Image
    assert (
        "1.2.840.10008.5.1.4.1.1.88.33" in storage and "1.2.840.10008.5.1.4.1.1.88.33" not in images
    )
    assert "1.2.840.10008.1.3.10" not in storage  # the DICOMDIR: media only
    assert "1.2.840.10008.5.1.4.1.1.201.5" not in storage  # Inventory Creation
    from dicomstd.generated.uids import UID_REGISTRY

    assert not any(UID_REGISTRY[uid].retired for uid in storage)
    assert storage == sorted(storage, key=lambda u: tuple(int(p) for p in u.split(".")))


@pytest.mark.parametrize(
    ("uid", "name"),
    [
        ("1.2.840.10008.1.1", "Verification"),
        ("1.2.840.10008.5.1.4.1.1.2", "Storage"),
        ("1.2.840.10008.5.1.4.38.1", "Non-Patient Object Storage"),
        ("1.2.840.10008.5.1.4.31", "Basic Worklist Management"),
        ("1.2.840.10008.3.1.2.3.3", "Procedure Step (Modality Performed Procedure Step)"),
        ("1.2.840.10008.1.20.1", "Storage Commitment"),
        ("1.2.840.10008.5.1.4.1.2.2.2", "Query/Retrieve"),
        ("1.2.840.10008.5.1.4.38.2", "Hanging Protocol Query/Retrieve"),
        ("1.2.840.10008.5.1.1.9", "Print Management"),
        ("1.2.840.10008.1.3.10", "Media Storage"),
    ],
)
def test_service_classes(uid: str, name: str) -> None:
    found = service_class(uid)
    assert found is not None and found.name == name


def test_every_current_sop_class_but_real_time_video_has_a_service_class() -> None:
    from dicomstd.generated.uids import UID_REGISTRY

    missing = [
        entry.name
        for uid, entry in UID_REGISTRY.items()
        if entry.uid_type == "SOP Class" and not entry.retired and service_class(uid) is None
    ]
    # PS3.22 Real-Time Communication is not a DIMSE service.
    assert all(name.endswith("Real-Time Communication") for name in missing), missing
