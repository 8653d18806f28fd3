"""Benchmark of the build: parse time per publication, the whole build, peak memory, and
reading PS3.6 against the reference Python reader (dicom-validator's Part6Reader) on the
same DocBook file, in the same run.

Not a test: it prints figures. Run from the repository root:

    python benchmarks/benchmark_build.py [--standard-dir ../shared/dicom-standard] [--repeat 3]

dicom-validator is optional (``pip install 'dicomstd[benchmark]'``); without it that
comparison is skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import lzma
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dicomstd.generator import build as build_module
from dicomstd.generator import publications
from dicomstd.generator.extractors import part06
from dicomstd.generator.manifest import read_manifest, resolve


def best_of(repeat: int, function: object) -> tuple[float, object]:
    """Run ``function`` ``repeat`` times; return the fastest wall time (s) and its result."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()  # type: ignore[operator]
        times.append(time.perf_counter() - began)
    return min(times), result


def peak_memory_of_build(standard_dir: Path) -> tuple[float, float, dict[str, float]]:
    """Run a whole build (into a temporary folder) in a child process; return its wall time
    (s), peak resident memory (MiB) and the seconds of each step (read, compile, render,
    black, write)."""
    code = (
        "import json, resource, sys, time\n"
        "from pathlib import Path\n"
        "from dicomstd.generator.build import BuildOptions, build\n"
        "began = time.perf_counter()\n"
        f"report = build(BuildOptions(search_path=[Path({str(standard_dir)!r})], output=Path(sys.argv[1])))\n"
        "print(time.perf_counter() - began, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
        "print(json.dumps(report.seconds))\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [sys.executable, "-c", code, str(Path(folder) / "generated")],
            capture_output=True, text=True, check=True,
        )
    figures, steps = result.stdout.splitlines()[-2:]
    seconds, megabytes = figures.split()
    return float(seconds), float(megabytes), json.loads(steps)


def compare_with_dicom_validator(part06_xz: Path, repeat: int) -> None:
    """Read PS3.6 (data elements and UIDs) from the same DocBook with both tools."""
    try:
        from dicom_validator.spec_reader.part6_reader import Part6Reader
    except ImportError:
        print("  dicom-validator is not installed: pip install 'dicomstd[benchmark]'")
        return
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "part06.xml").write_bytes(lzma.decompress(part06_xz.read_bytes()))
        plain = Path(folder) / "part06.xml"

        def theirs() -> int:
            reader = Part6Reader(folder)
            return len(reader.data_elements()) + sum(len(u) for u in reader.all_uids().values())

        def ours() -> int:
            document = publications.read_publication(plain)
            elements, _ = part06.extract_data_elements(document)
            uids, _ = part06.extract_uids(document)
            return len(elements) + len(uids)

        their_seconds, their_count = best_of(repeat, theirs)
        our_seconds, our_count = best_of(repeat, ours)
    print(f"  dicom-validator Part6Reader: {their_seconds:.2f} s ({their_count} data elements + UIDs)")
    print(f"  dicomstd reader + extractors: {our_seconds:.2f} s ({our_count} data elements + UIDs)")
    print(f"  ratio dicomstd / dicom-validator: {our_seconds / their_seconds:.2f}")


_OUR_IOD_LOAD = """
import time
began = time.perf_counter()
import dicomstd.iods as iods
ct = iods.iod_for_sop_class("1.2.840.10008.5.1.4.1.1.2")
tables = [iods.attribute_table(m.table_id) for m in ct.modules]
attributes = sum(1 for table in tables for _ in iods.expand(table))
print(time.perf_counter() - began, attributes)
"""

_HIGHDICOM_IOD_LOAD = """
import time
import highdicom._standard_utils as standard
began = time.perf_counter()
iod = standard.get_sop_class_iod_map()["1.2.840.10008.5.1.4.1.1.2"]
modules = standard.get_iod_module_map()[iod]
attributes = standard.get_module_attribute_map()
count = sum(len(attributes[m["key"]]) for m in modules)
print(time.perf_counter() - began, count)
"""


def fresh_process_seconds(code: str, repeat: int) -> tuple[float, str]:
    """Run ``code`` in ``repeat`` fresh interpreters; each prints seconds then a count.
    Return the median seconds and the count."""
    runs = []
    for _ in range(repeat):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        seconds, count = result.stdout.split()
        runs.append(float(seconds))
    return statistics.median(runs), count


def import_costs(repeat: int) -> None:
    """Import of dicomstd, and loading one IOD's definitions (CT Image with every table of
    its modules, includes expanded), each in a fresh process; highdicom's equivalent (its
    JSON tables of the standard) in the same run."""
    seconds, _ = fresh_process_seconds(
        "import time; t = time.perf_counter(); import dicomstd; print(time.perf_counter() - t, 0)", repeat
    )
    print(f"  import dicomstd: {seconds * 1000:.0f} ms (median of {repeat} fresh processes)")
    for name, module in (("CTImage", "ct_image"), ("EnhancedMRImage", "enhanced_mr_image")):
        seconds, _ = fresh_process_seconds(
            "import time, pydicom, pydicom.dataset\n"
            "t = time.perf_counter()\n"
            f"from dicomstd.generated.classes.{module} import {name}\n"
            "print(time.perf_counter() - t, 0)",
            repeat,
        )
        print(f"  the typed class {name}, beyond pydicom: {seconds * 1000:.0f} ms")
    ours, our_count = fresh_process_seconds(_OUR_IOD_LOAD, repeat)
    print(f"  CT Image IOD with its modules' tables, includes expanded: {ours * 1000:.0f} ms ({our_count} Attributes)")
    try:
        theirs, their_count = fresh_process_seconds(_HIGHDICOM_IOD_LOAD, repeat)
    except subprocess.CalledProcessError:
        print("  highdicom is not installed: its comparison is skipped")
        return
    print(f"  highdicom, the same from its JSON tables: {theirs * 1000:.0f} ms ({their_count} attribute paths)")
    print(f"  ratio dicomstd / highdicom: {ours / theirs:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--standard-dir", type=Path, default=Path("../shared/dicom-standard"))
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    standard_xml = build_module.DEFAULT_STANDARD_XML
    listed = read_manifest(standard_xml / "manifest.json")

    print("parse time per publication (best of %d):" % arguments.repeat)
    for entry in listed.entries:
        path = resolve(entry, standard_xml, [arguments.standard_dir])
        seconds, document = best_of(
            arguments.repeat, lambda path=path: publications.read_publication(path)
        )
        tables = document.tables.values()  # type: ignore[attr-defined]
        rows = sum(t.rows_read for t in tables)
        print(
            f"  {entry.part} {entry.edition} {entry.format:7} {seconds:6.2f} s  "
            f"{len(tables)} tables, {rows} rows  ({path.name})"
        )

    times = [peak_memory_of_build(arguments.standard_dir) for _ in range(arguments.repeat)]
    print(
        f"whole build (read, compile, render, black, write), {arguments.repeat} runs: "
        f"median {statistics.median(t for t, _, _ in times):.2f} s, "
        f"peak memory {max(m for _, m, _ in times):.0f} MiB"
    )
    steps = ", ".join(
        f"{step} {statistics.median(s[step] for _, _, s in times):.1f} s" for step in times[0][2]
    )
    print(f"  per step (median): {steps}")
    print("import cost (runtime):")
    import_costs(max(arguments.repeat, 5))
    print("PS3.6 2015b DocBook against the reference Python reader:")
    compare_with_dicom_validator(arguments.standard_dir / "2015b/part06.xml.xz", arguments.repeat)


if __name__ == "__main__":
    main()
