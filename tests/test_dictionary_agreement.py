"""Our data dictionary and UID registry agree with pydicom's, except where explained.

Our data dictionary is PS3.6 2015b Table 6-1 (the newest at hand) with 2024c Tables 7-1,
8-1 and 9-1; pydicom 3.0.2's is generated from a newer edition. Every element both hold
must agree on keyword, VR, VM and retired status, and every UID both hold on name,
keyword, type and retired status, except the differences committed, each with its reason,
in ``tests/data/pydicom_differences.toml``.

``python tests/test_dictionary_agreement.py`` prints the figures (:func:`agreement_report`).
"""

from __future__ import annotations

import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dicomstd.generator.extractors.part06 import extract_data_elements, extract_uids  # noqa: E402
from dicomstd.generator.extractors.secondary import pydicom_entries  # noqa: E402
from dicomstd.generator.model import UID, DataElement  # noqa: E402
from document_factories import read_standard  # noqa: E402

DIFFERENCES = Path(__file__).resolve().parent / "data" / "pydicom_differences.toml"
# Which publication each registry table is read from: the newest holding it.
ELEMENT_SOURCES = {
    "table_6-1": "2015b/part06.xml.xz",
    "table_7-1": "2024c/part06.chtml.tar.xz",
    "table_8-1": "2024c/part06.chtml.tar.xz",
    "table_9-1": "2024c/part06.chtml.tar.xz",
}
UID_SOURCE = "2024c/part06.chtml.tar.xz"

Difference = tuple[str, str, Any, Any]  # (tag or UID, field, ours, pydicom's)


@dataclass
class Agreement:
    """Comparison of one of our registries with pydicom's."""

    what: str
    compared: int = 0
    fields: int = 0
    differences: list[Difference] = field(default_factory=list)
    explained: list[Difference] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)

    def figures(self) -> dict[str, float]:
        """Agreement in % before and after the explained list, per entry and per field."""
        unexplained = [d for d in self.differences if d not in self.explained]

        def percent(bad: int, total: int) -> float:
            return 100.0 * (total - bad) / total if total else 100.0

        return {
            "entries_before": percent(len({d[0] for d in self.differences}), self.compared),
            "fields_before": percent(len(self.differences), self.fields),
            "entries_after": percent(len({d[0] for d in unexplained}), self.compared),
            "fields_after": percent(len(unexplained), self.fields),
        }


def _explained() -> (
    tuple[dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]
):
    data = tomllib.loads(DIFFERENCES.read_text(encoding="utf-8"))
    elements = {(entry["tag"], entry["field"]): entry for entry in data.get("data_element", [])}
    uids = {(entry["uid"], entry["field"]): entry for entry in data.get("uid", [])}
    return elements, uids


def _as_toml(value: Any) -> Any:
    return " or ".join(value) if isinstance(value, tuple) else value


def compare_elements(elements: list[DataElement]) -> Agreement:
    """Compare publication-sourced ``elements`` with pydicom's dictionary."""
    explained, _ = _explained()
    theirs = pydicom_entries()
    result = Agreement("data elements")
    for ours in elements:
        other = theirs.get(ours.tag)
        if other is None or ours.source.is_secondary:
            continue
        result.compared += 1
        for name, mine, their in (
            ("keyword", ours.keyword, other.keyword),
            ("vr", ours.value_representations, other.value_representations),
            ("vm", ours.value_multiplicity, other.value_multiplicity),
            ("retired", ours.retired, other.retired),
        ):
            result.fields += 1
            if mine == their:
                continue
            difference = (ours.tag, name, mine, their)
            result.differences.append(difference)
            entry = explained.get((ours.tag, name))
            if entry and entry["ours"] == _as_toml(mine) and entry["pydicom"] == _as_toml(their):
                result.explained.append(difference)
                result.reasons[entry["reason"]] += 1
    return result


def compare_uids(uids: list[UID]) -> Agreement:
    """Compare ``uids`` with pydicom's UID dictionary.

    pydicom splits a registry name at ": " into name and info (and keeps the Part column,
    e.g. ``DICOS``, as info); our name may therefore be ``name`` or ``name: info``.
    """
    from pydicom._uid_dict import UID_dictionary

    _, explained = _explained()
    ours_by_value = {uid.value: uid for uid in uids}
    result = Agreement("UIDs")
    for value, (name, uid_type, info, retired, keyword) in UID_dictionary.items():
        ours = ours_by_value.get(value)
        if ours is None:
            continue
        result.compared += 1
        names = {name, f"{name}: {info}"}
        for field_name, mine, their, same in (
            ("name", ours.name, name, ours.name in names),
            ("keyword", ours.keyword, keyword, ours.keyword == keyword),
            ("type", ours.uid_type, uid_type, ours.uid_type == uid_type),
            ("retired", ours.retired, retired == "Retired", ours.retired == (retired == "Retired")),
        ):
            result.fields += 1
            if same:
                continue
            difference = (value, field_name, mine, their)
            result.differences.append(difference)
            entry = explained.get((value, field_name))
            if entry and entry["ours"] == mine and entry["pydicom"] == their:
                result.explained.append(difference)
                result.reasons[entry["reason"]] += 1
    return result


def our_elements() -> list[DataElement]:
    """Our data dictionary as the build compiles it from the publications."""
    elements: list[DataElement] = []
    for table_id, relative_path in ELEMENT_SOURCES.items():
        extracted, _ = extract_data_elements(read_standard(relative_path))
        elements.extend(e for e in extracted if e.source.table_id == table_id)
    return elements


def agreement_report() -> list[Agreement]:
    """Both comparisons on the real publications."""
    return [
        compare_elements(our_elements()),
        compare_uids(extract_uids(read_standard(UID_SOURCE))[0]),
    ]


def describe(agreement: Agreement) -> str:
    """One paragraph of figures for a report."""
    figures = agreement.figures()
    return (
        f"{agreement.what}: {agreement.compared} compared ({agreement.fields} fields); "
        f"{len(agreement.differences)} differing fields in "
        f"{len({d[0] for d in agreement.differences})} entries; agreement before the explained "
        f"list {figures['entries_before']:.2f}% of entries, {figures['fields_before']:.2f}% of "
        f"fields; after it {figures['entries_after']:.2f}% / {figures['fields_after']:.2f}%; "
        f"explained by reason: {dict(agreement.reasons)}"
    )


@pytest.fixture(scope="module")
def report() -> list[Agreement]:
    return agreement_report()


@pytest.mark.standard
def test_data_elements_agree_with_pydicom(report: list[Agreement]) -> None:
    elements = report[0]
    print(describe(elements))
    assert elements.compared > 3900
    assert elements.figures()["fields_before"] >= 99.0
    unexplained = [d for d in elements.differences if d not in elements.explained]
    assert unexplained == []


@pytest.mark.standard
def test_uids_agree_with_pydicom(report: list[Agreement]) -> None:
    uids = report[1]
    print(describe(uids))
    assert uids.compared == 482
    assert uids.figures()["entries_before"] >= 99.0 - 3  # 12 "&"/"and" names of 482
    assert uids.figures()["fields_before"] >= 99.0
    unexplained = [d for d in uids.differences if d not in uids.explained]
    assert unexplained == []


@pytest.mark.standard
def test_every_explained_difference_still_occurs(report: list[Agreement]) -> None:
    """A stale entry (the difference is gone) must be removed from the list."""
    elements, uids = _explained()
    occurring = {(d[0], d[1]) for agreement in report for d in agreement.explained}
    assert set(elements) | set(uids) <= occurring


if __name__ == "__main__":
    for agreement in agreement_report():
        print(describe(agreement))
