"""The CHTML reader on small invented pages shaped like DocBook XSL 1.78.1's (no NEMA text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dicomstd.errors import PublicationError
from dicomstd.generator import chtml
from dicomstd.generator.chtml import read_chtml, read_chtml_pages
from dicomstd.generator.docbook import read_docbook
from dicomstd.generator.document import (
    Cell,
    CrossReference,
    DefinitionList,
    Document,
    Emphasis,
    ItemList,
    Link,
    Note,
    Paragraph,
    Text,
)
from document_factories import read_standard

SUBTITLE = "DICOM PS3.99 2099z - Example Things"


def page(
    body: str, *, title: str = "x", up: str | None = "PS3.99.html", next_page: str | None = None
) -> bytes:
    links = "".join(
        f'<link rel="{rel}" href="{href}" title="t" />'
        for rel, href in (("up", up), ("next", next_page))
        if href
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f'<title>{title}</title><link rel="home" href="PS3.99.html" title="PS3.99" />{links}'
        "</head><body>"
        '<table xmlns="" width="100%"><tr><th colspan="1" rowspan="1">'
        f'<span class="documentreleaseinformation">{SUBTITLE}</span></th></tr></table>'
        '<div xmlns="" class="navheader"><table width="100%"><tr><td>nav</td></tr></table></div>'
        f"{body}</body></html>"
    ).encode("utf-8")


TITLE_PAGE = page(
    '<div class="book"><div class="titlepage"><div><div><h1 class="title">'
    '<a id="PS3.99" shape="rect"></a>PS3.99</h1></div><div>'
    f'<h2 class="subtitle">{SUBTITLE}</h2></div></div></div>'
    '<div class="list-of-tables"><dl><dt>1.1-1. <a href="chapter_1.html#table_1.1-1">'
    "Example Table</a></dt></dl></div></div>",
    up=None,
    next_page="chapter_1.html",
)


def heading(level: int, anchor: str, text: str) -> str:
    return (
        f'<div class="titlepage"><div><div><h{level} class="title">'
        f'<a id="{anchor}" shape="rect"></a>{text}</h{level}></div></div></div>'
    )


def para(anchor: str, content: str) -> str:
    return f'<p>\n   <a id="{anchor}" shape="rect"></a>{content}</p>'


CHAPTER = page(
    '<div class="chapter">'
    + heading(1, "chapter_1", "1 Example Scope")
    + para(
        "para_1",
        'See <a class="xref" href="chapter_1.html#table_1.1-1" title="Table 1.1-1. Example Table"'
        ' shape="rect">Table\u00a01.1-1</a> and <a class="xref" href="sect_1.2.html" title="1.2"'
        ' shape="rect">Section\u00a01.2</a>.',
    )
    + '<div class="section">'
    + heading(2, "sect_1.1", "1.1 Example Things")
    + '<div class="note" style="margin-left: 0.5in;"><h3 class="title">Note</h3>'
    + para("para_n", "A note.")
    + "</div>"
    + '<div class="table"><a id="table_1.1-1" shape="rect"></a>'
    '<p class="title"><strong>Table 1.1-1. Example Table</strong></p>'
    '<div class="table-contents"><table frame="box" rules="all"><thead><tr valign="top">'
    '<th align="center" rowspan="1" colspan="1"><p>\n <a id="para_h1" shape="rect"></a>\n'
    ' <span class="bold">\n  <strong>Name</strong>\n </span>\n</p></th>'
    '<th rowspan="1" colspan="1"><p>Code</p></th><th rowspan="1" colspan="1"><p>Meaning</p></th>'
    "</tr></thead><tbody>"
    '<tr><td rowspan="2" colspan="1"><p><a id="para_a" shape="rect"></a>Alpha</p></td>'
    '<td rowspan="1" colspan="2"><p><a id="para_b" shape="rect"></a>Wide</p></td></tr>'
    '<tr><td rowspan="1" colspan="1"><p>A\u200bB</p></td><td rowspan="1" colspan="1">'
    '<div class="note"><h3 class="title">Note</h3><p>Note in a cell</p></div>'
    '<div class="itemizedlist"><ul class="itemizedlist"><li class="listitem"><p>first</p></li>'
    '<li class="listitem"><p>second</p></li></ul></div>'
    '<div class="orderedlist"><ol class="orderedlist" type="1"><li class="listitem"><p>one</p>'
    "</li></ol></div></td></tr>"
    '<tr><td rowspan="1" colspan="1"><p>x<sup>2</sup> <span class="italic">it</span> '
    '<em>em</em> <span class="underline">u</span> <code class="computeroutput">c</code> '
    '<span class="left">plain</span></p></td>'
    '<td rowspan="1" colspan="1"><p>Values:</p><div class="variablelist">'
    '<p class="title"><strong>Enumerated Values:</strong></p>'
    '<dl class="variablelist"><dt><span class="term">YES</span></dt><dd><p>it is</p></dd>'
    '<dt><span class="term">NO</span></dt><dd><p>it is not</p></dd></dl></div></td>'
    '<td rowspan="1" colspan="1"><p>See <a href="../part98/sect_Y.html#sect_Y.2" class="olink"'
    ' shape="rect">Y.2</a> in <a href="../part98/PS3.98.html" class="olink" shape="rect">PS3.98'
    '</a> at <a class="link" href="http://example.org/a" target="_top" shape="rect">the site</a>'
    "</p></td></tr></tbody></table></div></div>"
    '<div class="informaltable"><table frame="box" rules="all"><tbody><tr><td rowspan="1" '
    'colspan="1"><p>i1</p></td></tr></tbody></table></div>'
    '<div class="figure"><a id="figure_1.1-1"></a><div class="figure-contents">'
    '<div class="informaltable"><table><tr><td>image layout</td></tr></table></div></div></div>'
    "</div></div>",
    next_page="sect_1.2.html",
)

SECTION_PAGE = page(
    '<div xmlns="" class="breadcrumbs"><span class="breadcrumb-link">'
    '<a href="chapter_1.html">Example Scope</a></span></div>'
    '<div class="section">'
    + heading(2, "sect_1.2", "1.2 Second Things")
    + para("para_2", "Second.")
    + '<pre class="programlisting" xml:space="preserve">  a\n    b</pre>'
    + '<div class="section">'
    + heading(3, "sect_1.2.1", "1.2.1 Deepest")
    + "</div></div>",
    up="chapter_1.html",
)

PAGES = {"PS3.99.html": TITLE_PAGE, "chapter_1.html": CHAPTER, "sect_1.2.html": SECTION_PAGE}


@pytest.fixture(scope="module")
def example() -> Document:
    return read_chtml_pages(PAGES, name="part99")


def test_part_and_edition_come_from_the_title_page(example: Document) -> None:
    assert (example.part, example.edition, example.title) == ("PS3.99", "2099z", SUBTITLE)
    assert example.source_format == "chtml"


def test_the_section_hierarchy_is_rebuilt_across_pages(example: Document) -> None:
    assert [(s.id, s.label, s.title, s.parent_id) for s in example.sections.values()] == [
        ("chapter_1", "1", "Example Scope", None),
        ("sect_1.1", "1.1", "Example Things", "chapter_1"),
        ("sect_1.2", "1.2", "Second Things", "chapter_1"),
        ("sect_1.2.1", "1.2.1", "Deepest", "sect_1.2"),
    ]
    assert example.section("sect_1.1").table_ids == ("table_1.1-1", "informaltable_sect_1.1_1")


def test_tables_of_the_title_page_and_of_figures_are_not_tables(example: Document) -> None:
    assert list(example.tables) == ["table_1.1-1", "informaltable_sect_1.1_1"]


def test_section_blocks(example: Document) -> None:
    chapter = example.section("chapter_1").blocks
    assert chapter == (
        Paragraph(
            (
                Text("See "),
                CrossReference("table_1.1-1", "Table 1.1-1"),
                Text(" and "),
                CrossReference("sect_1.2", "Section 1.2"),
                Text("."),
            ),
            "para_1",
        ),
    )
    assert example.section("sect_1.1").blocks == (Note((Paragraph((Text("A note."),), "para_n"),)),)
    second = example.section("sect_1.2").blocks
    assert second[1].text == "  a\n    b"  # type: ignore[union-attr]


def test_table_and_its_grid(example: Document) -> None:
    table = example.table("table_1.1-1")
    assert (table.label, table.caption, table.section_id, table.column_count) == (
        "1.1-1",
        "Example Table",
        "sect_1.1",
        3,
    )
    assert table.markup_row_count == table.rows_read == 4
    # The pretty-printer's indentation inside <span class="bold"> is not text.
    assert table.header_rows[0].cells[0].blocks == (
        Paragraph((Emphasis("bold", (Text("Name"),)),), "para_h1"),
    )
    rows = table.body_rows
    wide = Paragraph((Text("Wide"),), "para_b")
    assert rows[0].cells[1:] == (Cell((wide,), colspan=2), Cell((wide,), colspan=2, origin=(0, 1)))
    assert rows[1].cells[0].origin == (0, 0)
    assert rows[1].cells[1].blocks == (Paragraph((Text("A\u200bB"),)),)
    assert rows[1].texts()[1] == "AB"
    assert rows[1].cells[2].blocks == (
        Note((Paragraph((Text("Note in a cell"),)),)),
        ItemList(((Paragraph((Text("first"),)),), (Paragraph((Text("second"),)),))),
        ItemList(((Paragraph((Text("one"),)),),), ordered=True),
    )


def test_inline_styles_and_references(example: Document) -> None:
    cells = example.table("table_1.1-1").body_rows[2].cells
    assert cells[0].blocks == (
        Paragraph(
            (
                Text("x"),
                Emphasis("superscript", (Text("2"),)),
                Text(" "),
                Emphasis("italic", (Text("it"),)),
                Text(" "),
                Emphasis("italic", (Text("em"),)),
                Text(" "),
                Emphasis("underline", (Text("u"),)),
                Text(" "),
                Emphasis("literal", (Text("c"),)),
                Text(" plain"),
            )
        ),
    )
    definitions = cells[1].blocks[1]
    assert isinstance(definitions, DefinitionList)
    assert [e.term_text for e in definitions.entries] == ["YES", "NO"]
    assert cells[2].blocks == (
        Paragraph(
            (
                Text("See "),
                CrossReference("sect_Y.2", "Y.2", "PS3.98"),
                Text(" in "),
                CrossReference("PS3.98", "PS3.98", "PS3.98"),
                Text(" at "),
                Link("http://example.org/a", (Text("the site"),)),
            )
        ),
    )


def test_a_folder_of_pages_reads_the_same(tmp_path: Path, example: Document) -> None:
    folder = tmp_path / "part99"
    folder.mkdir()
    for name, data in PAGES.items():
        (folder / name).write_bytes(data)
    document = read_chtml(folder)
    assert document.tables == example.tables
    assert document.sections == example.sections


DOCBOOK_TWIN = (
    '<book xmlns="http://docbook.org/ns/docbook" label="PS3.99" xml:id="PS3.99">'
    f"<title>PS3.99</title><subtitle>{SUBTITLE}</subtitle>"
    '<chapter label="1" xml:id="chapter_1"><title>Example Scope</title>'
    '<para xml:id="para_1">See <xref linkend="table_1.1-1" xrefstyle="select: label"/> and '
    '<xref linkend="sect_1.2" xrefstyle="select: label"/>.</para>'
    '<section label="1.1" xml:id="sect_1.1"><title>Example Things</title>'
    '<note><para xml:id="para_n">A note.</para></note>'
    '<table label="1.1-1" xml:id="table_1.1-1"><caption>Example Table</caption><thead><tr>'
    '<th><para xml:id="para_h1">\n  <emphasis role="bold">Name</emphasis>\n</para></th>'
    "<th><para>Code</para></th><th><para>Meaning</para></th></tr></thead><tbody>"
    '<tr><td rowspan="2"><para xml:id="para_a">Alpha</para></td>'
    '<td colspan="2"><para xml:id="para_b">Wide</para></td></tr>'
    "<tr><td><para>A\u200bB</para></td><td><note><para>Note in a cell</para></note>"
    "<itemizedlist><listitem><para>first</para></listitem><listitem><para>second</para>"
    "</listitem></itemizedlist><orderedlist><listitem><para>one</para></listitem>"
    "</orderedlist></td></tr>"
    '<tr><td><para>x<superscript>2</superscript> <emphasis role="italic">it</emphasis> '
    '<emphasis>em</emphasis> <emphasis role="underline">u</emphasis> '
    '<computeroutput>c</computeroutput> <emphasis role="left">plain</emphasis></para></td>'
    "<td><para>Values:</para><variablelist><title>Enumerated Values:</title>"
    "<varlistentry><term>YES</term>"
    "<listitem><para>it is</para></listitem></varlistentry><varlistentry><term>NO</term>"
    "<listitem><para>it is not</para></listitem></varlistentry></variablelist></td>"
    '<td><para>See <olink targetdoc="PS3.98" targetptr="sect_Y.2" '
    'xrefstyle="select: labelnumber"/> in <olink targetdoc="PS3.98" targetptr="PS3.98" '
    'xrefstyle="select: labelnumber"/> at <link xmlns:xl="http://www.w3.org/1999/xlink" '
    'xl:href="http://example.org/a">the site</link></para></td></tr></tbody></table>'
    "<informaltable><tbody><tr><td><para>i1</para></td></tr></tbody></informaltable>"
    '<figure label="1.1-1" xml:id="figure_1.1-1"><title>F</title></figure>'
    "</section>"
    '<section label="1.2" xml:id="sect_1.2"><title>Second Things</title>'
    '<para xml:id="para_2">Second.</para><programlisting>  a\n    b</programlisting>'
    '<section label="1.2.1" xml:id="sect_1.2.1"><title>Deepest</title></section>'
    "</section></chapter></book>"
)


def test_the_docbook_twin_of_the_pages_gives_the_same_model(example: Document) -> None:
    docbook = read_docbook(DOCBOOK_TWIN.encode("utf-8"))
    assert docbook.tables == example.tables
    assert docbook.sections == example.sections


def _replace(name: str, old: bytes, new: bytes) -> dict[str, bytes]:
    pages = dict(PAGES)
    assert old in pages[name]
    pages[name] = pages[name].replace(old, new)
    return pages


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ({}, r"part99: no CHTML pages"),
        ({"chapter_1.html": CHAPTER}, r"part99: no title page PS3\.N\.html"),
        (
            _replace("PS3.99.html", SUBTITLE.encode(), b"Untitled"),
            r"part99: the title page PS3\.99\.html has no subtitle naming part and edition",
        ),
        (
            _replace("chapter_1.html", b"</body>", b"</bdy>"),
            r"part99/chapter_1\.html: malformed XML at line \d+: ",
        ),
        (
            _replace("chapter_1.html", b"Table 1.1-1. Example Table", b"Example Table"),
            r"table table_1\.1-1: title 'Example Table' is not 'Table <label>\. <caption>'",
        ),
        (
            _replace(
                "chapter_1.html",
                b"</tbody></table></div></div>",
                b"</tbody><tfooter><tr><td/></tr></tfooter></table></div></div>",
            ),
            r"table table_1\.1-1: read 4 rows of the 5 <tr> in the markup",
        ),
    ],
)
def test_bad_pages_raise_one_clear_line(pages: dict[str, bytes], message: str) -> None:
    with pytest.raises(PublicationError, match=message) as raised:
        read_chtml_pages(pages, name="part99")
    assert "\n" not in str(raised.value)


def test_a_missing_or_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PublicationError, match="no such CHTML folder"):
        read_chtml(tmp_path / "absent")
    with pytest.raises(PublicationError, match=r"holds no \.html page"):
        read_chtml(tmp_path)


def test_a_definition_list_keeps_its_title(example: Document) -> None:
    """PS3.3 titles the lists of a description cell "Enumerated Values:" / "Defined Terms:"."""
    lists = [
        block
        for table in example.tables.values()
        for row in table.body_rows
        for cell in row.cells
        for block in cell.blocks
        if isinstance(block, DefinitionList)
    ]
    assert [(d.title, d.entries[0].term_text) for d in lists] == [("Enumerated Values:", "YES")]


def test_a_page_through_the_docbook_parser_loads_no_dtd() -> None:
    """The DocBook parser (collect_ids=False) makes libxml2 ask for XHTML's DTD: it is
    answered without any network or file access."""
    with pytest.raises(
        PublicationError, match=r"not a DocBook publication: root element is <html>"
    ):
        read_docbook(TITLE_PAGE, name="PS3.99.html")


def test_spans_and_empty_bodies_are_checked_as_in_docbook() -> None:
    """The grid is one mechanism for both readers (_xml.build_table)."""
    with pytest.raises(
        PublicationError,
        match=r"^part99: table table_1\.1-1, body row 1: colspan='x' is not a whole number",
    ):
        read_chtml_pages(
            _replace("chapter_1.html", b'rowspan="1" colspan="2"', b'rowspan="1" colspan="x"'),
            name="part99",
        )
    with pytest.raises(
        PublicationError, match=r"^part99: table informaltable_sect_1\.1_1 has no body rows"
    ):
        read_chtml_pages(
            _replace(
                "chapter_1.html",
                b'<tbody><tr><td rowspan="1" colspan="1"><p>i1</p></td></tr></tbody>',
                b"<tbody></tbody>",
            ),
            name="part99",
        )


def _without(*names: str) -> dict[str, bytes]:
    return {name: data for name, data in PAGES.items() if name not in names}


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        # chapter_1.html links to it by <link rel="next"> and by a cross reference.
        (("sect_1.2.html",), r"page sect_1\.2\.html is missing: chapter_1\.html links to it"),
        # The title page's rel="next"; sect_1.2.html's rel="up" too.
        (("chapter_1.html",), r"page chapter_1\.html is missing: PS3\.99\.html links to it"),
        # What only an absent page links to cannot be known: the first one is named.
        (("chapter_1.html", "sect_1.2.html"), r"page chapter_1\.html is missing: PS3\.99"),
    ],
)
def test_a_missing_page_is_an_error_naming_it(missing: tuple[str, ...], message: str) -> None:
    """A folder or tar that lost a page read "fine", without that page's tables."""
    with pytest.raises(PublicationError, match=r"^part99: " + message) as raised:
        read_chtml_pages(_without(*missing), name="part99")
    assert "\n" not in str(raised.value)


def test_a_page_only_cross_referenced_is_missed_too() -> None:
    pages = _replace(
        "chapter_1.html", b'href="sect_1.2.html" title="1.2"', b'href="sect_9.html#x" title="9"'
    )
    with pytest.raises(PublicationError, match=r"page sect_9\.html is missing: chapter_1\.html"):
        read_chtml_pages(pages, name="part99")
    del pages["sect_1.2.html"]
    with pytest.raises(PublicationError, match=r"page sect_1\.2\.html \(and 1 more\) is missing"):
        read_chtml_pages(pages, name="part99")


def test_a_copy_known_to_lack_a_page_is_read_and_says_so(
    monkeypatch: pytest.MonkeyPatch, example: Document
) -> None:
    monkeypatch.setitem(
        chtml.KNOWN_MISSING_PAGES, ("PS3.99", "2099z"), frozenset({"sect_1.2.html"})
    )
    document = read_chtml_pages(_without("sect_1.2.html"), name="part99")
    assert document.missing_pages == ("sect_1.2.html",)
    assert "sect_1.2" not in document.sections
    assert document.tables == example.tables
    assert example.missing_pages == ()
    # Known to lack one page is no leave to lack another.
    with pytest.raises(PublicationError, match=r"page chapter_1\.html is missing"):
        read_chtml_pages(_without("sect_1.2.html", "chapter_1.html"), name="part99")


@pytest.mark.standard
def test_the_real_ps36_2024c_copy_lacks_exactly_chapter_6() -> None:
    document = read_standard("2024c/part06.chtml.tar.xz")
    assert document.missing_pages == ("chapter_6.html",)
    assert "table_6-1" not in document.tables and "table_7-1" in document.tables


@pytest.mark.standard
def test_the_short_rows_nema_publishes_are_recorded() -> None:
    document = read_standard("2024c/part04.chtml.tar.xz")
    padded = {
        table.id: table.padded_rows for table in document.tables.values() if table.padded_rows
    }
    assert list(padded) == ["table_II.6-1"]
