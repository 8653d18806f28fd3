"""The DocBook reader on small invented DocBook documents (no NEMA text)."""

from __future__ import annotations

import re
import time

import pytest

from dicomstd.generator import _xml

from dicomstd.errors import PublicationError
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
    Preformatted,
    Text,
    blocks_text,
)

HEAD = (
    '<book xmlns="http://docbook.org/ns/docbook" xmlns:xl="http://www.w3.org/1999/xlink" '
    'label="PS3.99" version="5.0" xml:id="PS3.99"><title>PS3.99</title>'
    "<subtitle>DICOM PS3.99 2099z - Example Things</subtitle>"
)


def book(body: str, head: str = HEAD) -> bytes:
    return (head + body + "</book>").encode("utf-8")


def read(body: str) -> Document:
    return read_docbook(book(body), name="example.xml")


EXAMPLE = """
<chapter label="" xml:id="chapter_Notice"><title>Notice</title>
  <para xml:id="para_n1">Invented text.</para>
</chapter>
<chapter label="1" xml:id="chapter_1"><title>Example Scope</title>
  <para xml:id="para_1">See <xref linkend="table_X.1-1" xrefstyle="select: label"/>,
    <xref linkend="sect_X.1" xrefstyle="select: labelnumber"/>,
    <xref linkend="sect_X.1" xrefstyle="select: label quotedtitle"/>,
    <xref linkend="sect_X.1" xrefstyle="select: title"/>,
    <xref linkend="chapter_X" xrefstyle="template:Annex %n"/>,
    <xref linkend="table_X.1-1" xrefstyle="select: label title"/>,
    <xref linkend="biblio_Example"/>,
    <xref linkend="note_X.1-1" xrefstyle="template:Note 1"/> and
    <xref linkend="table_Q-1" xrefstyle="select: label"/>.</para>
  <bibliography><biblioentry xml:id="biblio_Example"><abbrev>EX 1</abbrev>
    <title>An Example Reference</title></biblioentry></bibliography>
</chapter>
<chapter label="X" xml:id="chapter_X"><title>Example Annex</title>
  <section label="X.1" xml:id="sect_X.1"><title>Example Things</title>
    <para xml:id="para_2">Things are <emphasis role="bold">bold</emphasis>,
      <emphasis>stressed</emphasis>, <emphasis role="underline">lined</emphasis>,
      <emphasis role="left">plain</emphasis>, x<superscript>2</superscript>,
      H<subscript>2</subscript>O and <computeroutput>code</computeroutput>.</para>
    <note xml:id="note_X.1-1"><para xml:id="para_3">An invented note.</para></note>
    <table frame="box" label="X.1-1" rules="all" xml:id="table_X.1-1">
      <caption>Example <xref linkend="sect_X.1" xrefstyle="select: label"/> Table</caption>
      <thead>
        <tr><th><para xml:id="para_h1"><emphasis role="bold">Name</emphasis></para></th>
            <th><para xml:id="para_h2"><emphasis role="bold">Code</emphasis></para></th>
            <th><para xml:id="para_h3"><emphasis role="bold">Meaning</emphasis></para></th></tr>
      </thead>
      <tbody>
        <tr><td rowspan="2"><para xml:id="para_a">Alpha</para></td>
            <td colspan="2"><para xml:id="para_b">Wide</para></td></tr>
        <tr><td><para>A&#x200B;B</para></td>
            <td><note><para>Note in a cell</para></note>
                <itemizedlist><listitem><para>first</para></listitem>
                  <listitem><para>second</para></listitem></itemizedlist>
                <orderedlist><listitem><para>one</para></listitem></orderedlist></td></tr>
        <tr><td><para>Table&#xA0;X.1-1</para></td>
            <td><para>Enumerated Values:</para>
                <variablelist><varlistentry><term>YES</term>
                  <listitem><para>it is</para></listitem></varlistentry>
                  <varlistentry><term>NO</term><listitem><para>it is not</para></listitem>
                  </varlistentry></variablelist></td>
            <td><para>See <olink targetdoc="PS3.98" targetptr="sect_Y.2"
                  xrefstyle="select: labelnumber"/> in <olink targetdoc="PS3.98"
                  targetptr="PS3.98" xrefstyle="select: labelnumber"/>,
                <olink targetdoc="PS3.98" targetptr="sect_CID_9"
                  xrefstyle="select: labelnumber quotedtitle"/>,
                <olink targetdoc="PS3.98" targetptr="Z_1">(1, Z, "Zed")</olink> and
                <link xl:href="http://example.org/a">the site</link>
                <link xl:href="http://example.org/b"/></para></td></tr>
      </tbody>
    </table>
    <para xml:id="para_4">Values are:<variablelist><varlistentry><term>A</term><listitem>
      <para>a</para></listitem></varlistentry></variablelist>and more.</para>
    <informaltable><tbody><tr><td><para>i1</para></td></tr></tbody></informaltable>
    <informaltable><tbody><tr><td><para>i2</para></td></tr></tbody></informaltable>
    <programlisting>  a
    b</programlisting>
    <section label="X.1.1" xml:id="sect_X.1.1"><title>Deeper</title>
      <para>Inner.</para>
    </section>
  </section>
</chapter>
"""


@pytest.fixture(scope="module")
def example() -> Document:
    return read(EXAMPLE)


def test_part_edition_and_title_come_from_the_book(example: Document) -> None:
    assert (example.part, example.edition) == ("PS3.99", "2099z")
    assert example.title == "DICOM PS3.99 2099z - Example Things"
    assert example.source_format == "docbook"
    assert example.source == "example.xml"


def test_sections_keep_ids_labels_titles_and_parents(example: Document) -> None:
    assert list(example.sections) == [
        "chapter_Notice",
        "chapter_1",
        "chapter_X",
        "sect_X.1",
        "sect_X.1.1",
    ]
    notice = example.section("chapter_Notice")
    assert (notice.label, notice.title, notice.parent_id) == ("", "Notice", None)
    inner = example.section("sect_X.1.1")
    assert (inner.label, inner.title, inner.parent_id) == ("X.1.1", "Deeper", "sect_X.1")
    things = example.section("sect_X.1")
    assert things.table_ids == (
        "table_X.1-1",
        "informaltable_sect_X.1_1",
        "informaltable_sect_X.1_2",
    )
    # Own blocks only: not the subsection's paragraph, not the tables.
    assert [type(b).__name__ for b in things.blocks] == [
        "Paragraph",
        "Note",
        "Paragraph",
        "DefinitionList",
        "Paragraph",
        "Preformatted",
    ]
    assert things.blocks[-1] == Preformatted("  a\n    b")


def test_a_para_holding_a_list_is_split_as_the_xsl_renders_it(example: Document) -> None:
    blocks = example.section("sect_X.1").blocks
    assert blocks[2] == Paragraph((Text("Values are:"),), "para_4")
    assert isinstance(blocks[3], DefinitionList)
    assert blocks[4] == Paragraph((Text("and more."),), None)


def test_inline_roles(example: Document) -> None:
    paragraph = example.section("sect_X.1").blocks[0]
    assert isinstance(paragraph, Paragraph)
    assert paragraph.id == "para_2"
    roles = [(i.role, i.children) for i in paragraph.inlines if isinstance(i, Emphasis)]
    assert roles == [
        ("bold", (Text("bold"),)),
        ("italic", (Text("stressed"),)),
        ("underline", (Text("lined"),)),
        ("superscript", (Text("2"),)),
        ("subscript", (Text("2"),)),
        ("literal", (Text("code"),)),
    ]
    # role="left" is a span of no style: plain text.
    assert "plain, x" in paragraph.text


def test_table_label_caption_and_header(example: Document) -> None:
    table = example.table("table_X.1-1")
    assert (table.label, table.caption, table.section_id) == (
        "X.1-1",
        "Example Section X.1 Table",
        "sect_X.1",
    )
    assert table.reference == "Table X.1-1"
    assert table.column_count == 3
    assert table.markup_row_count == table.rows_read == 4
    assert table.header_texts() == ("Name", "Code", "Meaning")
    bold = table.header_rows[0].cells[0].blocks[0]
    assert bold == Paragraph((Emphasis("bold", (Text("Name"),)),), "para_h1")


def test_rowspan_and_colspan_repeat_the_cell_with_its_origin(example: Document) -> None:
    rows = example.table("table_X.1-1").body_rows
    alpha = Paragraph((Text("Alpha"),), "para_a")
    wide = Paragraph((Text("Wide"),), "para_b")
    assert rows[0].cells[0] == Cell((alpha,), rowspan=2)
    assert rows[0].cells[1] == Cell((wide,), colspan=2)
    assert rows[0].cells[2] == Cell((wide,), colspan=2, origin=(0, 1))
    assert rows[1].cells[0] == Cell((alpha,), rowspan=2, origin=(0, 0))
    assert rows[1].cells[0].is_span_copy
    assert rows[1].texts()[1] == "AB"


def test_zero_width_and_no_break_spaces_stay_raw_in_text_and_go_in_text_properties(
    example: Document,
) -> None:
    rows = example.table("table_X.1-1").body_rows
    assert rows[1].cells[1].blocks[0] == Paragraph((Text("A\u200bB"),))
    assert rows[2].cells[0].blocks[0] == Paragraph((Text("Table\u00a0X.1-1"),))
    assert rows[2].cells[0].text == "Table X.1-1"


def test_notes_and_lists_in_cells(example: Document) -> None:
    blocks = example.table("table_X.1-1").body_rows[1].cells[2].blocks
    assert blocks[0] == Note((Paragraph((Text("Note in a cell"),)),))
    assert blocks[1] == ItemList(
        ((Paragraph((Text("first"),)),), (Paragraph((Text("second"),)),)), ordered=False
    )
    assert blocks[2] == ItemList(((Paragraph((Text("one"),)),),), ordered=True)


def test_variablelist_is_a_definition_list(example: Document) -> None:
    blocks = example.table("table_X.1-1").body_rows[2].cells[1].blocks
    assert blocks[0].text == "Enumerated Values:"  # type: ignore[union-attr]
    definitions = blocks[1]
    assert isinstance(definitions, DefinitionList)
    assert [(e.term_text, e.blocks[0].text) for e in definitions.entries] == [  # type: ignore[union-attr]
        ("YES", "it is"),
        ("NO", "it is not"),
    ]


def test_xref_labels_are_generated_as_nemas_xsl_renders_them(example: Document) -> None:
    paragraph = example.section("chapter_1").blocks[0]
    assert isinstance(paragraph, Paragraph)
    references = [(i.target, i.label) for i in paragraph.inlines if isinstance(i, CrossReference)]
    assert references == [
        ("table_X.1-1", "Table X.1-1"),
        ("sect_X.1", "X.1"),
        ("sect_X.1", "Section X.1 “Example Things”"),
        ("sect_X.1", "Example Things"),
        ("chapter_X", "Annex X"),
        ("table_X.1-1", "Table X.1-1 Example Section X.1 Table"),
        ("biblio_Example", "[EX 1]"),
        ("note_X.1-1", "Note 1"),
        # Not in this document: what the id tells.
        ("table_Q-1", "Table Q-1"),
    ]
    assert paragraph.text.startswith("See Table X.1-1, X.1, Section X.1 “Example Things”,")


def test_olinks_name_the_other_part(example: Document) -> None:
    paragraph = example.table("table_X.1-1").body_rows[2].cells[2].blocks[0]
    assert isinstance(paragraph, Paragraph)
    references = [i for i in paragraph.inlines if isinstance(i, CrossReference)]
    assert references == [
        CrossReference("sect_Y.2", "Y.2", "PS3.98"),
        CrossReference("PS3.98", "PS3.98", "PS3.98"),
        # The title is in PS3.98 only: the id stands in for it.
        CrossReference("sect_CID_9", "CID 9 “sect_CID_9”", "PS3.98"),
        CrossReference("Z_1", '(1, Z, "Zed")', "PS3.98"),
    ]
    links = [i for i in paragraph.inlines if isinstance(i, Link)]
    assert links == [
        Link("http://example.org/a", (Text("the site"),)),
        Link("http://example.org/b", (Text("http://example.org/b"),)),
    ]


def test_informal_tables_are_numbered_within_their_section(example: Document) -> None:
    first = example.table("informaltable_sect_X.1_1")
    assert (first.label, first.caption, first.body_rows[0].texts()) == ("", "", ("i1",))
    assert first.reference == "informaltable_sect_X.1_1"
    assert example.table("informaltable_sect_X.1_2").body_rows[0].texts() == ("i2",)


def test_ragged_rows_are_padded_to_the_grid_width_and_recorded() -> None:
    """NEMA's own tables have a few short rows (PS3.3 2024c Table F.3-3, PS3.4 Table II.6-1),
    so they are padded, not refused; the Table says which, for extractors to refuse."""
    document = read(
        '<chapter label="1" xml:id="chapter_1"><title>T</title>'
        '<table label="1-1" xml:id="table_1-1"><caption>C</caption><tbody>'
        "<tr><td><para>a</para></td><td><para>b</para></td></tr>"
        "<tr><td><para>c</para></td></tr></tbody></table></chapter>"
    )
    table = document.table("table_1-1")
    assert table.column_count == 2
    assert table.body_rows[1].texts() == ("c", "")
    assert table.padded_rows == (1,)
    # A header row that lost a cell: indices count the header rows first.
    short_header = read_docbook(_table(BODY_2x2, "<thead><tr><th><para>A</para></th></tr></thead>"))
    assert short_header.table("table_1-1").padded_rows == (0,)
    assert read_docbook(_table(BODY_2x2, HEADER_2)).table("table_1-1").padded_rows == ()


HEADER_2 = "<thead><tr><th><para>A</para></th><th><para>B</para></th></tr></thead>"
BODY_2x2 = (
    "<tbody><tr><td><para>a</para></td><td><para>b</para></td></tr>"
    "<tr><td><para>c</para></td><td><para>d</para></td></tr></tbody>"
)


def _table(rows: str, header: str = "") -> bytes:
    return book(
        '<chapter label="1" xml:id="chapter_1"><title>T</title>'
        f'<table label="1-1" xml:id="table_1-1"><caption>C</caption>{header}{rows}</table>'
        "</chapter>"
    )


def _second_row_cell(attributes: str) -> str:
    return (
        "<tbody><tr><td><para>a</para></td><td><para>b</para></td></tr>"
        f"<tr><td {attributes}><para>c</para></td></tr></tbody>"
    )


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        (attribute, value)
        for attribute in ("colspan", "rowspan")
        for value in ("2000000000", "-3", "x", "0", "", "1001", "2.0", "+2", "1e3", "9" * 5000)
    ],
)
def test_spans_are_strictly_validated(attribute: str, value: str) -> None:
    """colspan="2000000000" took 10 GB; "-3" and "x" were silently read as 1."""
    started = time.perf_counter()
    with pytest.raises(PublicationError) as raised:
        read_docbook(_table(_second_row_cell(f'{attribute}="{value}"'), HEADER_2), name="e.xml")
    assert time.perf_counter() - started < 5
    message = str(raised.value)
    assert message.startswith(f"e.xml: table table_1-1, body row 2: {attribute}="), message
    assert message.endswith("is not a whole number from 1 to 1000"), message
    assert len(message) < 200


def test_a_body_cell_may_not_span_more_columns_than_the_header_has() -> None:
    with pytest.raises(
        PublicationError,
        match=r"table table_1-1, body row 2: colspan='3' is wider than the table's 2 columns",
    ):
        read_docbook(_table(_second_row_cell('colspan="3"'), HEADER_2))
    # Without a header, the bound is MAX_SPAN (and the grid's size, below).
    assert (
        read_docbook(_table(_second_row_cell('colspan="3"'))).table("table_1-1").column_count == 3
    )


def test_valid_spans_are_read_as_before() -> None:
    document = read_docbook(
        _table(
            '<tbody><tr><td rowspan=" 5 "><para>a</para></td><td colspan="1"><para>b</para>'
            "</td></tr><tr><td><para>c</para></td></tr></tbody>",
            HEADER_2,
        )
    )
    rows = document.table("table_1-1").body_rows
    # A rowspan past the last row is cut there (NEMA has a few: PS3.4 Table P.3-2).
    assert [row.texts() for row in rows] == [("a", "b"), ("a", "c")]
    assert rows[1].cells[0].origin == (0, 0) and rows[0].cells[0].rowspan == 5


def test_the_grid_of_a_table_is_bounded() -> None:
    """The most a table resolves to is MAX_GRID_CELLS positions: spans of 1000 columns on
    every row (no header to bound them) stop there instead of exhausting memory."""
    rows = '<tr><td colspan="1000"><para>x</para></td></tr>' * 1500
    started = time.perf_counter()
    with pytest.raises(
        PublicationError,
        match=r"table table_1-1, body row 1001: the spans resolve to more than 1,000,000 grid",
    ):
        read_docbook(_table(f"<tbody>{rows}</tbody>"))
    assert time.perf_counter() - started < 10


def test_a_grid_too_large_by_its_width_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_xml, "MAX_GRID_CELLS", 1000)
    rows = '<tr><td colspan="100"><para>x</para></td></tr>' + "<tr><td/></tr>" * 20
    with pytest.raises(
        PublicationError, match=r"table table_1-1: 21 rows of 100 columns exceed the 1,000 grid"
    ):
        read_docbook(_table(f"<tbody>{rows}</tbody>"))


@pytest.mark.parametrize(
    "rows",
    [HEADER_2 + "<tbody></tbody>", HEADER_2, "<tbody/>", ""],
    ids=["empty tbody", "header only", "empty tbody, no header", "no rows"],
)
def test_a_table_without_body_rows_is_an_error(rows: str) -> None:
    with pytest.raises(
        PublicationError, match=re.escape("e.xml: table table_1-1 has no body rows")
    ):
        read_docbook(_table(rows), name="e.xml")


def test_a_repeated_identical_section_is_read_once() -> None:
    section = '<section label="1.1" xml:id="sect_1.1"><title>T</title><para>x</para></section>'
    document = read(
        f'<chapter label="1" xml:id="chapter_1"><title>C</title>{section}{section}' "</chapter>"
    )
    assert list(document.sections) == ["chapter_1", "sect_1.1"]


def test_a_repeated_different_section_is_an_error() -> None:
    with pytest.raises(PublicationError, match="sect_1.1 occurs twice"):
        read(
            '<chapter label="1" xml:id="chapter_1"><title>C</title>'
            '<section label="1.1" xml:id="sect_1.1"><title>T</title></section>'
            '<section label="1.1" xml:id="sect_1.1"><title>U</title></section></chapter>'
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (book("<chapter><para>x</chapter>"), r"example\.xml: malformed XML at line 1: "),
        (
            b'<book xmlns="http://docbook.org/ns/docbook"><title>PS3.99</title></book>',
            "example.xml: the book has no <subtitle> naming part and edition",
        ),
        (book("", HEAD.replace("PS3.99 2099z", "Something")), "names no part and edition"),
        (b"<html><body/></html>", r"not a DocBook publication: root element is <html>"),
        (
            book(
                '<chapter label="1" xml:id="chapter_1"><title>T</title>'
                '<table label="1-1" xml:id="table_1-1"><caption>C</caption><tbody>'
                "<tgroup><tr><td/></tr></tgroup></tbody></table></chapter>"
            ),
            "CALS table",
        ),
        (
            book(
                '<chapter label="1" xml:id="chapter_1"><title>T</title>'
                '<table label="1-1" xml:id="table_1-1"><caption>C</caption>'
                "<tbody><tr><td/></tr></tbody><tfooter><tr><td/></tr></tfooter></table>"
                "</chapter>"
            ),
            r"table table_1-1: read 1 rows of the 2 <tr> in the markup",
        ),
    ],
)
def test_bad_documents_raise_one_clear_line(data: bytes, message: str) -> None:
    with pytest.raises(PublicationError, match=message) as raised:
        read_docbook(data, name="example.xml")
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith("example.xml: ")


def test_entities_are_not_expanded_and_not_silently_dropped() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE book [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + book(
        '<chapter label="1" xml:id="chapter_1"><title>T</title><para>&x;</para>' "</chapter>"
    )
    with pytest.raises(PublicationError, match=r"entity reference &x; at line 1 is not expanded"):
        read_docbook(data, name="example.xml")
    # Nor an internal one: its text would silently vanish from the paragraph.
    internal = b'<!DOCTYPE book [<!ENTITY y "text">]>' + book(
        '<chapter label="1" xml:id="chapter_1"><title>T</title><para>a&y;b</para></chapter>'
    )
    with pytest.raises(PublicationError, match=r"&y;"):
        read_docbook(internal, name="example.xml")
    # An entity-like text in CDATA is text, not a reference.
    cdata = book(
        '<chapter label="1" xml:id="chapter_1"><title>T</title>'
        "<para><![CDATA[a&y;b]]></para></chapter>"
    )
    document = read_docbook(cdata, name="example.xml")
    assert blocks_text(document.section("chapter_1").blocks) == "a&y;b"


def test_a_definition_list_keeps_its_title() -> None:
    """PS3.3 titles the lists of a description cell "Enumerated Values:" / "Defined Terms:"."""
    document = read(
        '<chapter label="1" xml:id="chapter_1"><title>C</title>'
        '<variablelist spacing="compact"><title>Defined  Terms:</title>'
        "<varlistentry><term>ALPHA</term><listitem><para>first</para></listitem>"
        "</varlistentry></variablelist></chapter>"
    )
    (block,) = document.section("chapter_1").blocks
    assert isinstance(block, DefinitionList)
    assert (block.title, block.entries[0].term_text) == ("Defined Terms:", "ALPHA")
