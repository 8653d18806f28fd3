"""The two example statements, rendered as HTML, looked at in headless Chromium: the
screenshots land in ``benchmarks/results/conformance_ct.png`` and ``conformance_pacs.png``
(git-ignored), and must show a page with content (not blank, not an error page). Skipped
where no Chromium is installed (``apt-get install -y chromium``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pydicom.data import get_testdata_file

from dicomstd.conformance import load_declaration, render, statement_for

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "dicomstd" / "conformance" / "examples"
RESULTS = ROOT / "benchmarks" / "results"
WIDTH, HEIGHT = 1300, 1700


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium to render the statements with (apt-get install -y chromium)")


def _screenshot(browser: str, page: Path, target: Path, profile: Path) -> None:
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--screenshot={target}",
            f"--window-size={WIDTH},{HEIGHT}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "declaration", "samples"),
    [
        ("conformance_ct", "ct_modality.toml", ["CT_small.dcm"]),
        ("conformance_pacs", "pacs_archive.toml", []),
    ],
)
def test_screenshot(tmp_path: Path, name: str, declaration: str, samples: list[str]) -> None:
    browser = _chromium()
    statement = statement_for(
        load_declaration(EXAMPLES / declaration), [Path(get_testdata_file(s)) for s in samples]
    )
    page = tmp_path / f"{name}.html"
    page.write_text(render(statement, "html"), encoding="utf-8")
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"{name}.png"
    target.unlink(missing_ok=True)
    _screenshot(browser, page, target, tmp_path / "profile")
    image_module = pytest.importorskip("PIL.Image")
    with image_module.open(target) as image:
        assert image.size == (WIDTH, HEIGHT)
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        # A rendered statement: many shades (text, the blue headers of tables), not a blank page.
        assert len(colours) > 200
        header_blue = sum(count for count, colour in colours if colour == (0x1F, 0x4E, 0x79))
        assert header_blue > 2000  # the table headers and the title are drawn
