"""The CHTML page of a PS3.3 section: the committed page list against NEMA's release, and
every compiled table's reference against the page that really holds its anchor."""

from __future__ import annotations

import os
import re
import tarfile
from pathlib import Path

import pytest

from dicomstd import iods
from dicomstd.generated.iod_index import ATTRIBUTE_TABLES
from dicomstd.validate.chtml_pages import PART03_SECTION_PAGES
from dicomstd.validate.findings import chtml_page, reference_for_table


def _standard_dir() -> Path:
    env = os.environ.get("DICOMSTD_STANDARD_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "dicom-standard"


def test_every_table_reference_is_a_nema_url() -> None:
    for table_id in ATTRIBUTE_TABLES:
        table = iods.attribute_table(table_id)
        ref = reference_for_table(table.table_id, table.section_id, "2024c")
        assert re.fullmatch(
            r"https://dicom\.nema\.org/medical/dicom/2024c/output/chtml/part03/"
            r"(sect|chapter)_[A-Za-z0-9.]+\.html#table_[A-Za-z0-9._\-]+",
            ref.url,
        ), ref.url


@pytest.mark.standard
def test_pages_agree_with_the_chtml_release() -> None:
    archive = _standard_dir() / "2024c" / "part03.chtml.tar.xz"
    if not archive.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{archive} is missing")
        pytest.skip(f"{archive} is not at hand")
    anchors: dict[str, str] = {}
    pages: set[str] = set()
    with tarfile.open(archive) as tar:
        for member in tar:
            name = member.name.rsplit("/", 1)[-1]
            if not member.isfile() or not name.endswith(".html"):
                continue
            pages.add(name[:-5])
            handle = tar.extractfile(member)
            assert handle is not None
            text = handle.read().decode("utf-8", "replace")
            for anchor in re.findall(r'id="(table_[^"]+)"', text):
                anchors[anchor] = name[:-5]
    assert PART03_SECTION_PAGES == {p[5:] for p in pages if p.startswith("sect_")}
    wrong = []
    for table_id in ATTRIBUTE_TABLES:
        table = iods.attribute_table(table_id)
        if table_id in anchors and chtml_page(table.section_id) != anchors[table_id]:
            wrong.append(
                (table_id, table.section_id, chtml_page(table.section_id), anchors[table_id])
            )
    assert wrong == []
