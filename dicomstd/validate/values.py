"""Value checks per Value Representation (PS3.5 Section 6.2, Table 6.2-1), and Value
Multiplicity (PS3.5 Section 6.4) against PS3.6's VM column.

Maximum lengths come from the compiled VR table (:mod:`dicomstd.generated.value_representations`:
``maximum_length`` in ``length_unit``); formats are PS3.5's definitions (DA, TM, DT, AS,
UI, IS, DS, CS, PN...). Every function here takes already decoded text (or a byte length
for binary VRs) and returns problems; none raises on any input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

__all__ = [
    "Problem",
    "check_binary_length",
    "check_text",
    "parse_vm",
    "vm_allows",
    "split_values",
    "ASCII_VRS",
    "TEXT_VRS",
    "SINGLE_VALUED_VRS",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem of a Value: ``rule`` (``value-format`` or ``value-length``), ``message``,
    and the 0-based ``index`` of the Value (``None``: the whole element)."""

    rule: str
    message: str
    index: int | None = None


# VRs whose Values are in the Default Character Repertoire only (decoded as ASCII/latin-1,
# lengths in bytes), and VRs whose characters may come from other repertoires (lengths in
# characters, decoded with the Specific Character Set).
ASCII_VRS: Final = frozenset({"AE", "AS", "CS", "DA", "DS", "DT", "IS", "TM", "UI", "UR"})
TEXT_VRS: Final = frozenset({"LO", "LT", "PN", "SH", "ST", "UC", "UT"})
# PS3.5 Section 6.4: these VRs hold one Value; a backslash is an ordinary character.
SINGLE_VALUED_VRS: Final = frozenset({"LT", "ST", "UT", "UR"})

# Bytes per Value of the binary VRs (their length shall be a multiple).
BINARY_UNIT: Final = {
    "AT": 4, "FL": 4, "FD": 8, "SL": 4, "SS": 2, "SV": 8, "UL": 4, "US": 2, "UV": 8,
    "OD": 8, "OF": 4, "OL": 4, "OV": 8, "OW": 2,
}  # fmt: skip

_DA = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TM = re.compile(r"^(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?$")
_DT = re.compile(
    r"^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?)?)?)?"
    r"([+-]\d{4})?$"
)
_AS = re.compile(r"^\d{3}[DWMY]$")
_IS = re.compile(r"^[+-]?\d+$")
_DS = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_CS = re.compile(r"^[A-Z0-9 _]*$")
_UID = re.compile(r"^(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")  # all but TAB LF FF CR ESC
_AE_BAD = re.compile(r"[\x00-\x1f\\]")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@lru_cache(maxsize=None)
def _limits(vr: str) -> tuple[int | None, str]:
    """(maximum length of one Value, unit) from the compiled VR table; (None, "") if none."""
    from dicomstd.generated.value_representations import VALUE_REPRESENTATIONS

    entry = VALUE_REPRESENTATIONS.get(vr)
    if entry is None:
        return None, ""
    return entry.maximum_length, entry.length_unit


def split_values(vr: str, text: str) -> list[str]:
    """The Values of a string element (``\\`` separates Values, PS3.5 Section 6.4), with the
    padding removed (trailing space or NUL; for UI a trailing NUL)."""
    if vr in SINGLE_VALUED_VRS:
        return [text.rstrip(" \x00")]
    return [value.rstrip("\x00") for value in text.rstrip(" \x00").split("\\")]


def _date(text: str) -> str | None:
    match = _DA.match(text)
    if match is None:
        return "is not a date YYYYMMDD"
    month, day = int(match.group(2)), int(match.group(3))
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1]:
        return "is not a valid date (month or day out of range)"
    if month == 2 and day == 29:
        year = int(match.group(1))
        if year % 4 or (year % 100 == 0 and year % 400):
            return "is not a valid date (29 February of a common year)"
    return None


def _time(text: str) -> str | None:
    match = _TM.match(text)
    if match is None:
        return "is not a time HH[MM[SS[.FFFFFF]]]"
    hours, minutes, seconds = match.group(1), match.group(2), match.group(3)
    if int(hours) > 23 or (minutes and int(minutes) > 59) or (seconds and int(seconds) > 60):
        return "is not a valid time (hour, minute or second out of range)"
    return None


def _datetime(text: str) -> str | None:
    match = _DT.match(text)
    if match is None:
        return "is not a date-time YYYY[MM[DD[HH[MM[SS[.F]]]]]][&ZZXX]"
    year, month, day, hours, minutes, seconds, _, offset = match.groups()
    if month and not 1 <= int(month) <= 12:
        return "is not a valid date-time (month out of range)"
    if day and not 1 <= int(day) <= _DAYS[int(month) - 1]:
        return "is not a valid date-time (day out of range)"
    if hours and int(hours) > 23 or minutes and int(minutes) > 59 or seconds and int(seconds) > 60:
        return "is not a valid date-time (time out of range)"
    if offset and not -1200 <= int(offset) <= 1400:
        return "has a UTC offset outside -1200..+1400"
    return None


def _format(vr: str, value: str) -> str | None:
    """Why ``value`` (one Value, padding removed) is not a Value of ``vr``; ``None`` if it
    is, or if the VR has no format to check."""
    if vr == "DA":
        return _date(value)
    if vr == "TM":
        return _time(value.rstrip(" "))
    if vr == "DT":
        return _datetime(value.rstrip(" "))
    if vr == "AS":
        return None if _AS.match(value) else "is not an age nnnD, nnnW, nnnM or nnnY"
    if vr == "IS":
        stripped = value.strip(" ")
        if not _IS.match(stripped):
            return "is not an Integer String"
        if not -(2**31) <= int(stripped) <= 2**31 - 1:
            return "is outside the range of an Integer String (-2^31 to 2^31-1)"
        return None
    if vr == "DS":
        return None if _DS.match(value.strip(" ")) else "is not a Decimal String"
    if vr == "CS":
        if not _CS.match(value):
            return "has characters other than uppercase letters, digits, space and underscore"
        return None
    if vr == "UI":
        if not _UID.match(value):
            return "is not a UID (digits and dots, no leading zero in a component)"
        return None
    if vr == "AE":
        if _AE_BAD.search(value):
            return "has a control character or backslash"
        if value and not value.strip(" "):
            return "consists solely of spaces"
        return None
    if vr == "UR":
        return "has leading spaces" if value.startswith(" ") else None
    if vr == "PN":
        groups = value.split("=")
        if len(groups) > 3:
            return "has more than three component groups"
        if any(len(group.split("^")) > 5 for group in groups):
            return "has more than five components in a component group"
        return None
    return None


def check_text(vr: str, text: str) -> list[Problem]:
    """Check the Values of a string element of ``vr``, given as decoded ``text``.

    Lengths per Value against the VR table's maximum (in bytes, or characters for the
    VRs of other repertoires; a PN's maximum applies per component group), formats per
    VR, and control characters in text VRs.
    """
    problems: list[Problem] = []
    values = split_values(vr, text)
    maximum, unit = _limits(vr)
    for index, value in enumerate(values):
        if not value and vr not in SINGLE_VALUED_VRS:
            continue  # an empty Value within a multi-valued element is allowed
        where = f"Value {index + 1} {value[:70]!r}" if len(values) > 1 else f"Value {value[:70]!r}"
        if maximum is not None:
            parts = value.split("=") if vr == "PN" else [value]
            for part in parts:
                size = len(part.encode("latin-1", "replace")) if unit == "bytes" else len(part)
                if vr == "DA" or vr == "AS":
                    break  # their fixed length is part of the format checked below
                if size > maximum:
                    problems.append(
                        Problem(
                            "value-length",
                            f"{where} is {size} {unit or 'bytes'} long; {vr} allows {maximum}",
                            index,
                        )
                    )
                    break
        reason = _format(vr, value)
        if reason is not None:
            problems.append(Problem("value-format", f"{where} {reason} ({vr})", index))
        elif vr in TEXT_VRS and _CONTROL.search(value):
            problems.append(Problem("value-format", f"{where} has a control character", index))
    return problems


def check_binary_length(vr: str, length: int) -> list[Problem]:
    """Check that a binary element's length is a multiple of its VR's Value size (PS3.5
    Table 6.2-1: US 2 bytes, FD 8...)."""
    unit = BINARY_UNIT.get(vr)
    if unit is None or length % unit == 0:
        return []
    return [Problem("value-length", f"length {length} is not a multiple of {unit} ({vr})")]


_VM = re.compile(r"^(\d+)(?:-(\d*)(n?))?$")


@lru_cache(maxsize=1024)
def parse_vm(vm: str) -> tuple[int, int | None, int] | None:
    """PS3.6's VM text as (minimum, maximum or None, step): ``1`` → (1, 1, 1), ``1-n`` →
    (1, None, 1), ``2-2n`` → (2, None, 2), ``1-3`` → (1, 3, 1); ``None`` where the text is
    not a VM (``""``)."""
    text = vm.replace(" ", "").lower()
    if text == "n":
        return (1, None, 1)
    match = _VM.match(text)
    if match is None:
        return None
    low = int(match.group(1))
    if match.group(2) is None:
        return (low, low, 1)
    if match.group(3):
        step = int(match.group(2)) if match.group(2) else 1
        return (low, None, step)
    return (low, int(match.group(2)), 1)


def vm_allows(vm: str, count: int) -> bool:
    """``count`` Values satisfy PS3.6's VM ``vm`` (an unparseable VM allows anything)."""
    parsed = parse_vm(vm)
    if parsed is None:
        return True
    low, high, step = parsed
    if count < low:
        return False
    if high is not None:
        return count <= high
    return step <= 1 or count % step == 0
