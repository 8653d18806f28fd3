"""Emission: literals, black, the atomic swap of generated/, and the up-to-date check."""

from __future__ import annotations

from pathlib import Path

import pytest

from dicomstd.errors import BuildError
from dicomstd.generator import emit


def test_python_literal_survives_any_text_of_the_standard() -> None:
    awkward = 'Unit "µm" \\ back\nslash \u200b zero-width \' quote'
    namespace: dict[str, object] = {}
    exec(f"value = {emit.python_literal(awkward)}", namespace)
    assert namespace["value"] == awkward


def test_hexadecimal_tag() -> None:
    assert emit.hexadecimal(0x00080005) == "0x00080005"
    assert emit.hexadecimal(0x7FE00010) == "0x7FE00010"


def test_format_python_formats_and_rejects_invalid_code() -> None:
    assert emit.format_python("x=( 1,2 )", "test") == "x = (1, 2)\n"
    with pytest.raises(BuildError, match="invalid Python"):
        emit.format_python("def (:", "broken.jinja2")


def test_write_atomically_replaces_the_whole_folder(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    target.mkdir()
    (target / "stale.py").write_text("old\n")
    files = [emit.GeneratedFile("a.py", "a = 1\n"), emit.GeneratedFile("sub/b.py", "b = 2\n")]
    emit.write_atomically(files, target)
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*.py")) == ["a.py", "sub/b.py"]
    assert [p.name for p in tmp_path.iterdir()] == ["generated"]  # no staging folder left


def test_write_atomically_leaves_target_untouched_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    target.mkdir()
    (target / "kept.py").write_text("kept\n")
    # "a.py/b.py" cannot be written once "a.py" is a file: the write fails midway.
    files = [emit.GeneratedFile("a.py", "a = 1\n"), emit.GeneratedFile("a.py/b.py", "b = 2\n")]
    with pytest.raises(BuildError, match="cannot write"):
        emit.write_atomically(files, target)
    assert [p.name for p in target.iterdir()] == ["kept.py"]
    assert [p.name for p in tmp_path.iterdir()] == ["generated"]


def test_write_atomically_refuses_duplicate_names(tmp_path: Path) -> None:
    files = [emit.GeneratedFile("a.py", "1\n"), emit.GeneratedFile("a.py", "2\n")]
    with pytest.raises(BuildError, match="share a name"):
        emit.write_atomically(files, tmp_path / "generated")


def test_compare_with_names_missing_stale_and_differing_files(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    target.mkdir()
    (target / "same.py").write_text("same\n")
    (target / "changed.py").write_text("old\n")
    (target / "stale.py").write_text("stale\n")
    (target / "__pycache__").mkdir()
    (target / "__pycache__" / "x.pyc").write_bytes(b"\0")
    files = [
        emit.GeneratedFile("same.py", "same\n"),
        emit.GeneratedFile("changed.py", "new\n"),
        emit.GeneratedFile("new.py", "new\n"),
    ]
    differences = emit.compare_with(files, target)
    assert [d.split(":")[0] for d in differences] == ["changed.py", "new.py", "stale.py"]
    assert emit.compare_with(files[:1], target / "absent") == ["same.py: missing from " + str(target / "absent")]


def test_python_literal_prefers_double_quotes_like_black() -> None:
    assert emit.python_literal("CS") == '"CS"'
    assert emit.python_literal("it's") == '"it\'s"'
    assert emit.python_literal('say "x"') == "'say \"x\"'"
    assert emit.python_literal(None) == "None"


def test_written_folder_is_readable_by_everyone_the_umask_allows(tmp_path: Path) -> None:
    import os

    target = tmp_path / "generated"
    emit.write_atomically([emit.GeneratedFile("a.py", "a = 1\n")], target)
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o777 & ~umask


# The shapes the templates write on one line, long, as rendered: the pre-layout must give
# exactly what black gives (else the build pays black's second pass, or falls back).
_RENDERED_SHAPES = {
    "long import": (
        "from dicomstd.generated.classes.macros.optional_view_and_slice_progression_direction"
        " import OptionalViewAndSliceProgressionDirectionMacro\n"
    ),
    "long imports under TYPE_CHECKING, with as": (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from dicomstd.generated.classes.modules.common_instance_reference import"
        " CommonInstanceReference_ReferencedSeriesSequenceItem as"
        " CommonInstanceReference_ReferencedSeriesSequenceItem\n"
    ),
    "__all__ with a trailing comma": '__all__ = ["CTImageModule", "CTImage_Item", ]\n',
    "class bases exploded": (
        "class CTImageModule(GeneralAnatomyOptionalMacro, OptionalViewAndSliceProgression"
        "DirectionMacro, RTEquipmentMappingAndPlanReferenceMacro):\n    pass\n"
    ),
    "class bases on one line": (
        "class AVeryLongClassNameForTheTest(FirstBaseModuleMacro, SecondBaseModuleMacro,"
        " ThirdBaseMacro):\n    pass\n"
    ),
    "TypedDict arguments": (
        "class Holder:\n    class CTImageModuleArguments(GeneralAnatomyOptionalMacroArguments,"
        " OptionalViewAndSliceProgressionDirectionMacroArguments, TypedDict, total=False):\n"
        "        item_sequence: abc.Sequence[CTImage_CTAdditionalXRaySourceSequenceItem] | None\n"
        "        shape: Literal[\"RECTANGULAR\", \"CIRCULAR\", \"POLYGONAL\"] | abc.Sequence["
        "Literal[\"RECTANGULAR\", \"CIRCULAR\", \"POLYGONAL\"]]\n"
        "        mechanisms: Literal[\"RELATIONAL\", \"COMBINED_DT\", \"FUZZY_SEMANTIC\","
        " \"TIMEZONE_ADJUST\", \"EMPTY_VALUE\", \"MULTIPLE_VALUE\"] | abc.Sequence[Literal["
        "\"RELATIONAL\", \"COMBINED_DT\", \"FUZZY_SEMANTIC\", \"TIMEZONE_ADJUST\","
        " \"EMPTY_VALUE\", \"MULTIPLE_VALUE\"]]\n"
    ),
    "Element annotations": (
        "class M:\n"
        "    DataCollectionCenterPatient: Element[multival.MultiValue[float], float |"
        " abc.Sequence[float] | None]\n"
        "    CTAdditionalXRaySourceSequence: Element[abc.MutableSequence[CTImage_CTAdditional"
        "XRaySourceSequenceItem], abc.Sequence[CTImage_CTAdditionalXRaySourceSequenceItem]"
        " | None]\n"
        "    SOURCE: ClassVar[str] = \"PS3.3 2024c Table 10-7; PS3.3 2024c Table 10-6; PS3.3"
        " 2024c Table C.8-76\"\n\n\n\n"
        "    if TYPE_CHECKING:\n\n"
        "        def __init__(self, **arguments: Unpack[CTImage_CTAdditionalXRaySourceSequence"
        "ItemArguments]) -> None: ...\n\n"
    ),
    "nested calls and tuples": (
        "CT_IMAGE_MODULE: Final = AttributeTable(table_id=\"table_C.8-3\", name=\"CT Image\","
        " kind=\"module\", entries=(Attribute(tag=0x00080008, keyword=\"ImageType\","
        " name=\"Image Type\", type=\"1\", row=1), Attribute(tag=0x00189361,"
        " keyword=\"MultienergyCTAcquisition\", name=\"Multi-energy CT Acquisition\","
        " type=\"3\", row=2, value_sets=(ValueSet(kind=\"enumerated\", values=(\"YES\","
        " \"NO\")),)), Attribute(tag=0x00280002, keyword=\"SamplesPerPixel\", name=\"Samples"
        " per Pixel\", type=\"1\", row=3)))\n"
    ),
    "condition functions": (
        "def _condition_1(context: EvaluationContext) -> Truth:\n"
        "    'Required if the Rescale Type is not HU (Hounsfield Units), or Multi-energy CT"
        " Acquisition (0018,9361) is YES May be present otherwise.'\n"
        "    return rt.disj(rt.conj(rt.present(context, 0x00281054, 'item', 0),"
        " rt.neg(rt.value_in(context, 0x00281054, 'item', 0, None, ('HU',)))),"
        " rt.in_any_item(context, 0x00400260, 'any', 0, lambda context_item:"
        " rt.code_in(context_item, 0x00400441, 'item', 0, (('261004008', 'SCT'),))))\n"
    ),
    "terms evaluated in turn": (
        "def _condition_2(context: EvaluationContext) -> Truth:\n"
        "    return rt.any_of(lambda: rt.all_of(lambda: rt.value_in(context, 0x00089007,"
        " 'frame', 0, 1, ('ORIGINAL',)), lambda: rt.neg(rt.value_in(context, 0x00089206,"
        " 'frame', 0, None, ('DISTORTED',)))), lambda: rt.sop_class_in(context,"
        " ('1.2.840.10008.5.1.4.1.1.77.1.5.8',)))\n"
    ),
    "a region black leaves alone": (
        "# fmt: off\nTABLE = {\n    0x1: (\"a\",  'b'),\n}\n# fmt: on\n"
        "_SUBMODULES: Final = frozenset({ \"command_dictionary\", \"data_dictionary\","
        " \"directory_records\", \"iod_index\", \"iods\", \"macros\", \"modules\",  })\n"
    ),
}


def _black(text: str) -> str:
    import black
    from black.mode import Mode, TargetVersion

    mode = Mode(line_length=emit.BLACK_LINE_LENGTH, target_versions={TargetVersion.PY311})
    return black.format_str(text, mode=mode)


@pytest.mark.parametrize("shape", sorted(_RENDERED_SHAPES))
def test_prelayout_is_what_black_makes_of_each_rendered_shape(shape: str) -> None:
    from dicomstd.generator import layout

    rendered = _RENDERED_SHAPES[shape]
    expected = _black(rendered)
    assert layout.prelayout(rendered) == expected
    assert emit.format_python(rendered, shape) == expected


def test_a_prelayout_black_changes_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pre-layout that is not black's form gives way to black's formatting of the
    rendered text itself."""
    from dicomstd.generator import layout

    rendered = "x=[1,2]\n"
    # Black joins this layout again (no trailing comma): not black's form.
    monkeypatch.setattr(layout, "prelayout", lambda text: "x = [\n    1,\n    2\n]\n")
    misses: list[str] = []
    formatted = emit.format_files([emit.GeneratedFile("x.py", rendered)], misses)
    assert formatted == [emit.GeneratedFile("x.py", "x = [1, 2]\n")]
    assert misses == ["x.py"]
