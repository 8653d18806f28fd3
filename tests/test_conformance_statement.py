"""dicomstd conformance: the statement's structure (PS3.2 2024c Annex N), both outputs, and
escaping of everything that comes from a declaration."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydicom.data import get_testdata_file

from dicomstd.cli import main
from dicomstd.conformance import load_declaration, parse_declaration, render, statement_for
from dicomstd.conformance.statement import Table

EXAMPLES = Path(__file__).resolve().parents[1] / "dicomstd" / "conformance" / "examples"
CT_SAMPLE = Path(get_testdata_file("CT_small.dcm"))

# The top-level sections of the PS3.2 2024c template (Annex N), numbered as a statement
# numbers them (1 for the Overview, A.A for the first Annex).
TEMPLATE_SECTIONS = [
    ("1", "Overview"),
    ("2", "Table of Contents"),
    ("3", "Introduction"),
    ("4", "Implementation Model"),
    ("5", "Service and Interoperability Description"),
    ("6", "Configuration"),
    ("7", "Network and Media Communication Details"),
    ("8", "Security"),
    ("A.A", "Information Object Definitions (IODs)"),
    ("A.B", "Structured Report Content Encoding"),
    ("A.C", "Security Details"),
    ("A.D", "Mapping of Attributes"),
    ("A.E", "Code Set Usage"),
]


def ct_statement():  # type: ignore[no-untyped-def]
    return statement_for(load_declaration(EXAMPLES / "ct_modality.toml"), [CT_SAMPLE])


def pacs_statement():  # type: ignore[no-untyped-def]
    return statement_for(load_declaration(EXAMPLES / "pacs_archive.toml"))


def tables(statement) -> dict[str, Table]:  # type: ignore[no-untyped-def]
    return {b.caption: b for _, s in statement.walk() for b in s.blocks if isinstance(b, Table)}


def sections(statement) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {s.number: s for _, s in statement.walk()}


@pytest.mark.parametrize("build", [ct_statement, pacs_statement])
def test_follows_the_template(build) -> None:  # type: ignore[no-untyped-def]
    statement = build()
    assert [(s.number, s.title) for s in statement.sections] == TEMPLATE_SECTIONS
    found = sections(statement)
    for number, template in [
        ("1.1", "N.1.1"),
        ("1.2", "N.1.2"),
        ("1.7", "N.1.7"),
        ("4.1", "N.4.1"),
        ("5.1", "N.5.1"),
        ("7.1.1", "N.7.1.1"),
        ("8.4", "N.8.4"),
    ]:
        assert found[number].template == template  # type: ignore[attr-defined]
    # Not applicable sections keep their place, marked "- N/A" with the text "N/A".
    assert found["1.3"].heading == "1.3 DICOM Web Services - N/A"  # type: ignore[attr-defined]
    # Tables are numbered within each major section.
    numbers = [t.number for t in tables(statement).values()]
    assert len(numbers) == len(set(numbers))
    assert all(re.fullmatch(r"(\d|A\.[A-E])-\d+", n) for n in numbers)


def test_ct_overview_and_networking() -> None:
    statement = ct_statement()
    by_caption = tables(statement)
    storage = by_caption["Storage SOP Classes"]
    assert [[c.text for c in row[:5]] for row in storage.body] == [
        ["CT Image Storage", "1.2.840.10008.5.1.4.1.1.2", "LL; U", "Y", "N"],
        ["Secondary Capture Image Storage", "1.2.840.10008.5.1.4.1.1.7", "LL; U", "Y", "N"],
    ]
    assert [c.text for c in storage.body[0][7:11]] == ["Y", "N", "N", "S"]  # FSC; Create S
    workflow = by_caption["Workflow Management SOP Classes"]
    names = [row[0].text for row in workflow.body if row[0].text]
    assert names == [
        "Storage Commitment Push Model SOP Class",
        "Modality Performed Procedure Step SOP Class",
        "Modality Worklist Information Model - FIND",
    ]
    proposed = by_caption["Proposed Presentation Contexts for Send Images of STORAGE"]
    assert [(r[0].text, r[2].text, r[3].text) for r in proposed.body] == [
        ("CT Image Storage", "LL; U", "SCU"),
        ("Secondary Capture Image Storage", "LL; U", "SCU"),
    ]
    general = by_caption["General Association Parameters"]
    assert [
        "Application Context Name",
        "1.2.840.10008.3.1.1.1 (DICOM Application Context Name)",
    ] == [general.body[0][1].text, general.body[0][2].text]
    assert general.body[1][2].text == "2.25.295975225135729859573395140450099315366"
    mapping = by_caption["Attributes Copied from the Modality Worklist"]
    assert "Patient's Name" in [row[2].text for row in mapping.body]


def test_pacs_storage_scp_for_every_image_sop_class_and_qr_scp() -> None:
    from dicomstd.conformance.declaration import expand_shorthand

    statement = pacs_statement()
    by_caption = tables(statement)
    storage = by_caption["Storage SOP Classes"]
    uids = {row[1].text for row in storage.body}
    assert set(expand_shorthand("all-image-storage")) <= uids
    assert all(row[4].text == "Y" and row[13].text == "Y" for row in storage.body)  # SCP, Archive
    qr = by_caption["Query/Retrieve SOP Classes"]
    assert [row[0].text for row in qr.body if row[0].text] == [
        "Patient Root Query/Retrieve Information Model - FIND",
        "Patient Root Query/Retrieve Information Model - MOVE",
        "Patient Root Query/Retrieve Information Model - GET",
        "Study Root Query/Retrieve Information Model - FIND",
        "Study Root Query/Retrieve Information Model - MOVE",
        "Study Root Query/Retrieve Information Model - GET",
    ]
    assert all(row[5].text == "Y" for row in qr.body if row[0].text)  # SCP
    assert sections(statement)["A.A"].na  # type: ignore[attr-defined]  # creates nothing
    preference = by_caption[
        "Transfer Syntax Selection Preference Order for Store Instances of ARCHIVE"
    ]
    assert preference.body[0][1].text.startswith(
        "JPEG Lossless, Non-Hierarchical, First-Order Prediction"
    )


class _Checker(html.parser.HTMLParser):
    """Collects start tags and text; a well-formed page has its tags balanced."""

    VOID = {"meta", "br", "img", "hr", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("build", [ct_statement, pacs_statement])
def test_html_is_well_formed(build) -> None:  # type: ignore[no-untyped-def]
    page = render(build(), "html")
    checker = _Checker()
    checker.feed(page)
    assert checker.stack == []
    assert "script" not in checker.tags


HOSTILE = "<script>alert(1)</script> & <b>bold</b> | *x* [l](http://e)"


def test_declaration_text_is_escaped(tmp_path: Path) -> None:
    text = (EXAMPLES / "ct_modality.toml").read_text(encoding="utf-8")
    text = text.replace('name = "Exemplar CT 64"', f"name = {HOSTILE!r}".replace("'", '"'))
    text = text.replace('name = "STORAGE"', 'name = "<img src=x onerror=alert(2)>"')
    text = text.replace(
        'activity = "Send Images"',
        'activity = "Send \\"quoted\\" <iframe>"',
    )
    declaration = parse_declaration(text, tmp_path / "hostile.toml")
    statement = statement_for(declaration)
    page = render(statement, "html")
    checker = _Checker()
    checker.feed(page)
    assert not {"script", "img", "iframe", "b"} & set(checker.tags)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert HOSTILE in "".join(checker.text)  # shown as written
    markdown = render(statement, "md")
    # Markdown shows an escaped "\\<" as a literal "<": no tag of the declaration survives.
    assert re.search(r"(?<!\\)<(script|img|iframe|b)\b", markdown) is None
    assert (
        "\\<script\\>alert(1)\\</script\\> &amp; \\<b\\>bold\\</b\\> \\| \\*x\\* \\[l\\](http://e)"
        in markdown
    )


def test_markdown_tables_have_even_rows() -> None:
    markdown = render(ct_statement(), "md")
    lines = markdown.splitlines()
    for index, line in enumerate(lines):
        if (
            line.startswith("| ")
            and index + 1 < len(lines)
            and lines[index + 1].startswith("| ---")
            or line.startswith("| ---")
        ):
            continue
    for block in re.findall(r"((?:^\|.*\|\n)+)", markdown, re.M):
        rows = block.strip("\n").split("\n")
        counts = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(counts) == 1, rows[:3]


def broken_ct(folder: Path) -> Path:
    """CT_small without Patient ID (Type 2) and with an empty Modality (Type 1)."""
    import pydicom

    dataset = pydicom.dcmread(CT_SAMPLE)
    del dataset.PatientID
    dataset.Modality = ""
    path = folder / "broken_ct.dcm"
    dataset.save_as(path)
    return path


def test_command_writes_html_and_markdown(tmp_path: Path) -> None:
    runner = CliRunner()
    broken = broken_ct(tmp_path)
    for name in ("ct.html", "ct.md"):
        result = runner.invoke(
            main,
            [
                "conformance",
                str(EXAMPLES / "ct_modality.toml"),
                "--samples",
                str(broken),
                "-o",
                str(tmp_path / name),
            ],
        )
        assert result.exit_code == 0, result.output
        # The sample fails validation: a warning line, and the statement says so.
        assert re.search(r"broken_ct.dcm: \d+ validation error\(s\)", result.stderr)
        written = (tmp_path / name).read_text(encoding="utf-8")
        assert "fails validation" in written and "type2-missing" in written
    assert (tmp_path / "ct.html").stat().st_mode & 0o044  # readable by others (umask allowing)


def test_samples_of_another_class_are_reported(tmp_path: Path) -> None:
    mr = Path(get_testdata_file("MR_small.dcm"))
    declaration = load_declaration(EXAMPLES / "ct_modality.toml")
    statement = statement_for(declaration, [mr])
    assert any("Samples of no created SOP Class" == b.title for b in statement.banners)
    assert any(str(mr) in w for w in statement.warnings)
