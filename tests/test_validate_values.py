"""VR value checks (PS3.5 Section 6.2) and VM parsing (PS3.6)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dicomstd.validate.values import check_binary_length, check_text, parse_vm, vm_allows


def _rules(vr: str, text: str) -> set[str]:
    return {problem.rule for problem in check_text(vr, text)}


def test_dates_times_datetimes() -> None:
    assert _rules("DA", "20240229") == set()
    assert _rules("DA", "20230229") == {"value-format"}
    assert _rules("DA", "2024.01.01") == {"value-format"}
    assert _rules("TM", "235960.123456") == set()
    assert _rules("TM", "24") == {"value-format"}
    assert _rules("TM", "12:30") == {"value-format"}
    assert _rules("DT", "2007-0500") == set()
    assert _rules("DT", "20240101120000.5+0100") == set()
    assert _rules("DT", "20241301") == {"value-format"}


def test_uid_is_ds_as_cs() -> None:
    assert _rules("UI", "1.2.840.10008.1.2\x00") == set()
    assert _rules("UI", "1.02.3") == {"value-format"}
    assert _rules("UI", "1." + "2" * 70) == {"value-length"}
    assert _rules("IS", " -12 ") == set()
    assert _rules("IS", "3000000000") == {"value-format"}
    assert _rules("DS", "1.5e-3\\-2") == set()
    assert _rules("DS", "1,5") == {"value-format"}
    assert _rules("AS", "018M") == set()
    assert _rules("AS", "18M") == {"value-format"}
    assert _rules("CS", "ORIGINAL\\PRIMARY") == set()
    assert _rules("CS", "lower") == {"value-format"}
    assert _rules("CS", "A" * 17) == {"value-length"}


def test_text_lengths_in_characters_and_pn() -> None:
    assert _rules("LO", "é" * 64) == set()
    assert _rules("LO", "é" * 65) == {"value-length"}
    assert _rules("PN", "Doe^John=ドウ^ジョン") == set()
    assert _rules("PN", "a=b=c=d") == {"value-format"}
    assert _rules("PN", "a^b^c^d^e^f") == {"value-format"}
    assert _rules("ST", "a\\b") == set()  # one Value: a backslash is a character


def test_binary_lengths() -> None:
    assert check_binary_length("US", 4) == []
    assert check_binary_length("FD", 12)[0].rule == "value-length"
    assert check_binary_length("OB", 3) == []


def test_vm() -> None:
    assert parse_vm("1") == (1, 1, 1)
    assert parse_vm("1-n") == (1, None, 1)
    assert parse_vm("2-2n") == (2, None, 2)
    assert parse_vm("1-3") == (1, 3, 1)
    assert vm_allows("2-2n", 4) and not vm_allows("2-2n", 3)
    assert vm_allows("", 7)


@given(
    st.sampled_from(
        [
            "AE",
            "AS",
            "CS",
            "DA",
            "DS",
            "DT",
            "IS",
            "LO",
            "LT",
            "PN",
            "SH",
            "ST",
            "TM",
            "UC",
            "UI",
            "UR",
            "UT",
        ]
    ),
    st.text(max_size=80),
)
def test_never_raises(vr: str, text: str) -> None:
    for problem in check_text(vr, text):
        assert problem.rule in ("value-format", "value-length")
