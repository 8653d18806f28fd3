"""Condition coverage of dicomstd against the public Python validator (dicom-validator), on
the same sentences, in the same run.

The issue states dicom-validator's figures as 65% of attribute conditions, 28% of module
usage and 52% of functional group usage conditions. Those were measured on its own
denominators; this script gives both tools the same input: every unique condition sentence
dicomstd extracts from PS3.3 (the ``text`` of each sentence of the coverage report, which is
the Attribute Description's or Usage cell's condition sentences), and counts, per category:

- dicomstd: compiled (``parser`` + ``override``), of which partly unverifiable; unknown by
  design; unparsed;
- dicom-validator (``ConditionParser`` of ``dicom_validator.spec_reader``): sentences it turns
  into a condition (anything but ``ConditionType.UserDefined``, which it treats as optional).
  Its parser drops some clauses it cannot read ("and ..." after a parsed clause), so its
  count is an upper bound of what it checks faithfully.

Not a test: it prints figures. Run from the repository root::

    python benchmarks/compare_condition_coverage.py [--standard-dir ../shared/dicom-standard]
        [--json out.json]

The PS3.6 names dicom-validator's parser needs are given from dicomstd's generated data
dictionary (the same registry for both).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from dicomstd.generator.conditions.coverage import coverage
from dicomstd.generator.extractors import part03
from dicomstd.generator.publications import read_publication

CATEGORIES = ("attribute", "module usage", "functional group usage", "include")


def dicom_validator_parser() -> object | None:
    """dicom-validator's ConditionParser with PS3.6 names, or ``None`` if not installed."""
    try:
        from dicom_validator.spec_reader.condition_parser import ConditionParser
    except ImportError:
        return None
    from dicomstd.generated import data_dictionary

    dict_info = {
        f"({tag >> 16:04X},{tag & 0xFFFF:04X})": {"name": row[2], "vr": row[0], "vm": row[1]}
        for tag, row in data_dictionary.DATA_ELEMENTS.items()
    }
    return ConditionParser(dict_info)


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--standard-dir", type=Path, default=Path("../shared/dicom-standard"))
    arguments.add_argument("--edition", default="2024c")
    arguments.add_argument("--json", type=Path, help="write the per-sentence results here")
    options = arguments.parse_args()

    path = options.standard_dir / options.edition / "part03.chtml.tar.xz"
    if not path.exists():
        print(f"{path}: no such publication", file=sys.stderr)
        return 2
    model, _accounts = part03.extract_information_object_definitions(read_publication(path))
    report = coverage(model)
    parser = dicom_validator_parser()
    if parser is None:
        print("dicom-validator is not installed: pip install 'dicomstd[benchmark]'")

    print(f"PS3.3 {options.edition}: unique condition sentences, share compiled")
    print(
        f"  {'category':<24}{'unique':>7}{'dicomstd':>10}{'(partly)':>10}{'unknown':>9}"
        f"{'unparsed':>9}{'dicom-validator':>17}{'both':>7}{'only dv':>9}"
    )
    results: list[dict[str, object]] = []
    for category in CATEGORIES:
        sentences = report.sentences.get(category, [])
        counts: Counter[str] = Counter()
        for entry in sentences:
            text = str(entry["text"])
            ours = entry["status"] in ("parser", "override")
            theirs = None
            if parser is not None:
                try:
                    condition = parser.parse(text)  # type: ignore[attr-defined]
                    theirs = not condition.type.user_defined
                except Exception as error:  # noqa: BLE001 - their parser's failure is a result
                    theirs = False
                    entry = {**entry, "dicom_validator_error": repr(error)}
            counts["unique"] += 1
            counts["ours"] += ours
            counts["partly"] += ours and bool(entry.get("partly_unverifiable"))
            counts[str(entry["status"])] += 1
            counts["theirs"] += bool(theirs)
            counts["both"] += ours and bool(theirs)
            counts["only theirs"] += bool(theirs) and not ours
            results.append({**entry, "dicom_validator_compiled": theirs})
        unique = counts["unique"] or 1

        def share(key: str) -> str:
            return f"{100 * counts[key] / unique:.1f}%"

        print(
            f"  {category:<24}{counts['unique']:>7}{share('ours'):>10}{counts['partly']:>10}"
            f"{counts['unknown by design']:>9}{counts['unparsed']:>9}"
            f"{share('theirs') if parser is not None else '-':>17}{counts['both']:>7}"
            f"{counts['only theirs']:>9}"
        )
    if options.json:
        options.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
