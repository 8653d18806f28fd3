"""The reviewed list of the condition audit, and its report (no publication needed; the audit
itself runs on PS3.3 2024c in test_conditions_standard.py)."""

from __future__ import annotations

import pytest

from dicomstd.errors import BuildError
from dicomstd.generator.conditions.audit import AuditReport, MisplacedAttribute, load_reviewed

_ENTRY = """
[[harmless]]
table = "table_C.7-11c"
path = "0028,0034"
tag = "0018,1164"
reason = "ANDed with UNKNOWN"
"""


def test_the_committed_list_reads_and_gives_a_reason_for_each_entry() -> None:
    reviewed = load_reviewed()
    assert reviewed and all(reason.strip() for reason in reviewed.values())
    assert all(len(path) >= 9 and tag > 0xFFFF for (_, path, tag) in reviewed)


def test_an_entry_is_keyed_by_table_path_and_tag() -> None:
    assert load_reviewed(_ENTRY) == {
        ("table_C.7-11c", "0028,0034", 0x00181164): "ANDed with UNKNOWN"
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[harmless]\n", "not valid TOML"),
        (_ENTRY.replace('reason = "ANDed with UNKNOWN"\n', ""), "no 'reason'"),
        (_ENTRY.replace('"0018,1164"', '"00181164"'), "is not (gggg,eeee)"),
        (_ENTRY.replace('"0018,1164"', '"0018,11G4"'), "is not (gggg,eeee)"),
    ],
)
def test_a_malformed_list_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(BuildError, match="condition_audit.toml") as error:
        load_reviewed(text)
    assert message in str(error.value)


def test_the_report_separates_reviewed_unreviewed_and_stale_entries() -> None:
    known = MisplacedAttribute("attribute", "table_C.7-11c", "0028,0034", 0x00181164, "item", True)
    new = MisplacedAttribute(
        "attribute", "table_C.8-50", "300A,00B0/300C,0080", 0x3004000A, "any", False
    )
    gone = ("table_X", "0010,0010", 0x00100020)
    report = AuditReport((known, new), {**load_reviewed(_ENTRY), gone: "was harmless"})
    assert report.unreviewed == [new] and report.stale == [gone]
    lines = report.summary().splitlines()
    assert "2 look for an Attribute" in lines[0] and "1 reviewed" in lines[0]
    assert "1 not reviewed" in lines[0]
    assert lines[1] == (
        "  not reviewed: table_C.8-50 300A,00B0/300C,0080: (3004,000A) looked for with scope "
        "'any', defined nowhere in those IODs"
    )
    assert lines[2] == "  reviewed but no longer found: table_X 0010,0010 (0010,0020)"
