"""Reader of NEMA's chunked XHTML publication ("CHTML", ``output/chtml/partNN/``).

NEMA renders the DocBook source with DocBook XSL 1.78.1 into one XHTML 1.1 page per
chapter or section (``chapter_9.html``, ``sect_10.3.2.2.html``) plus a title page
(``PS3.7.html``). What this reader relies on:

- every DocBook ``xml:id`` survives as an ``<a id="...">`` anchor: the heading of a section
  (``<h4 class="title"><a id="sect_9.1.1.1"/>9.1.1.1 C-STORE Parameters</h4>`` inside
  ``<div class="section"><div class="titlepage">``), a table
  (``<div class="table"><a id="table_9.1-1"/><p class="title"><strong>Table 9.1-1.
  Caption</strong></p><div class="table-contents"><table>``) and a paragraph
  (``<p><a id="para_<uuid>"/>...``);
- pages are chained by ``<link rel="next">`` in document order, and a page's enclosing
  page is its ``<link rel="up">``; sections not chunked into pages of their own are nested
  ``<div class="section">`` inside their parent's page;
- notes are ``<div class="note">`` (with an ``<h3 class="title">``), lists
  ``<div class="itemizedlist|orderedlist|variablelist">``, references
  ``<a class="xref" href="page.html#id">`` and, into other parts,
  ``<a class="olink" href="../part06/page.html#id">``;
- the title page's ``<h2 class="subtitle">`` (and every page's
  ``<span class="documentreleaseinformation">``) reads "DICOM PS3.7 2024c - Message
  Exchange".

The title page's lists of tables only link to tables; they are not read as tables.

A page that the publication links to (a ``<link rel="next|prev|up|home">``, the title
page's table of contents and lists, a cross reference) but that is absent is an error
naming it: a copy missing a page would otherwise give a document silently missing its
sections and tables. The only exceptions are the copies known to lack pages
(:data:`KNOWN_MISSING_PAGES`), whose absent pages the document records.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import unquote

from lxml import etree

from dicomstd.errors import PublicationError
from dicomstd.generator._xml import (
    element_text,
    os_error_reason,
    read_regular_file,
    BlockCollector,
    RawCell,
    build_table,
    edition_of_subtitle,
    parse_xml,
    part_of_document,
    split_heading,
    tidy_inlines,
)
from dicomstd.generator.document import (
    Block,
    CrossReference,
    DefinitionEntry,
    DefinitionList,
    Document,
    Emphasis,
    Inline,
    ItemList,
    Link,
    Note,
    Preformatted,
    Section,
    Table,
    Text,
    inlines_text,
    normalize_text,
)

__all__ = ["KNOWN_MISSING_PAGES", "XHTML_NAMESPACE", "read_chtml", "read_chtml_pages"]

# Publications known to lack pages, read nonetheless: (part, edition) → the pages that may
# be absent (each absent one is recorded in Document.missing_pages). Any other absent page
# is an error.
KNOWN_MISSING_PAGES: dict[tuple[str, str], frozenset[str]] = {
    # ../shared/dicom-standard/README.md: the copies of PS3.6 2024c that could be obtained
    # lack chapter 6 (Table 6-1, too large a page); the build reads PS3.6 2015b for it.
    ("PS3.6", "2024c"): frozenset({"chapter_6.html"}),
}
_NAVIGATION = ("next", "prev", "up", "home")

XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
_H = "{" + XHTML_NAMESPACE + "}"

_SECTION_CLASSES = frozenset(
    {
        "chapter",
        "appendix",
        "preface",
        "section",
        "sect1",
        "sect2",
        "sect3",
        "sect4",
        "sect5",
        "simplesect",
    }
)
_NOTE_CLASSES = frozenset({"note", "caution", "important", "warning", "tip"})
_SKIPPED_CLASSES = frozenset(
    {
        "figure",
        "informalfigure",
        "mediaobject",
        "equation",
        "informalequation",
        "toc",
        "list-of-tables",
        "list-of-figures",
        "list-of-examples",
        "titlepage",
        "navheader",
        "navfooter",
        "breadcrumbs",
        "figure-break",
        "table-break",
        "example-break",
        "equation-break",
        "remark",
    }
)
_SKIPPED_TAGS = frozenset(
    {"hr", "br", "img", "object", "script", "style", "math", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_TABLE_TITLE = re.compile(r"^Table\s+(\S+?)\.(?:\s+(.*))?$", re.DOTALL)
_PAGE_PART = re.compile(r"(?:^|/)part0*(\d+)/")
_TITLE_PAGE = re.compile(r"^PS3\.\d+\.html$")
_HEADING = re.compile(r"^h[1-6]$")


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag[len(_H) :] if tag.startswith(_H) else tag.rpartition("}")[2]


def _classes(element: etree._Element) -> list[str]:
    return (element.get("class") or "").split()


@dataclass
class _Page:
    name: str
    root: etree._Element
    body: etree._Element
    top: etree._Element | None  # the page's chapter/section div
    top_id: str | None


class _ChtmlReader:
    def __init__(self, pages: Mapping[str, bytes], source: str) -> None:
        self.source = source
        self.pages: dict[str, _Page] = {}
        for name in pages:
            self.pages[name] = self._parse_page(name, pages[name])
        self.part = ""
        self.sections: dict[str, Section] = {}
        self.tables: dict[str, Table] = {}
        self._informal_counts: dict[str, int] = {}
        self._section_tables: dict[str, list[str]] = {}
        # Page linked to → the first page linking to it (for the message of a missing one).
        self._linked: dict[str, str] = {}
        self._current_page = ""

    def _parse_page(self, name: str, data: bytes) -> _Page:
        root = parse_xml(data, f"{self.source}/{name}")
        body = root.find(_H + "body")
        if body is None:
            raise PublicationError("page has no <body>", f"{self.source}/{name}")
        top: etree._Element | None = None
        for child in body:
            if _local(child) == "div" and (set(_classes(child)) & (_SECTION_CLASSES | {"book"})):
                top = child
                break
        top_id = self._heading_id(top) if top is not None else None
        return _Page(name, root, body, top, top_id)

    @staticmethod
    def _titlepage_heading(division: etree._Element) -> etree._Element | None:
        for child in division:
            if _local(child) == "div" and "titlepage" in _classes(child):
                for element in child.iter():
                    if _HEADING.match(_local(element)) and "title" in _classes(element):
                        return element
                return None
        return None

    def _heading_id(self, division: etree._Element) -> str | None:
        heading = self._titlepage_heading(division)
        if heading is None:
            return None
        for anchor in heading.iter(_H + "a"):
            if anchor.get("id") and anchor.get("href") is None:
                return anchor.get("id")
        return None

    # --- document ---------------------------------------------------------------------

    def read(self) -> Document:
        title_names = sorted(name for name in self.pages if _TITLE_PAGE.match(name))
        if not title_names:
            raise PublicationError("no title page PS3.N.html among the CHTML pages", self.source)
        title_page = self.pages[title_names[0]]
        subtitle = self._subtitle(title_page)
        found = edition_of_subtitle(subtitle) if subtitle else None
        if found is None:
            raise PublicationError(
                f"the title page {title_page.name} has no subtitle naming part and edition "
                "(expected e.g. 'DICOM PS3.7 2024c - Message Exchange')",
                self.source,
            )
        subtitle_part, edition = found
        self.part = part_of_document(title_names[0][: -len(".html")]) or subtitle_part
        for name in self._document_order(title_page):
            page = self.pages[name]
            if page.top is None or page is title_page:
                continue
            parent_id = self._parent_id(page)
            self._current_page = name
            self._read_section(page.top, parent_id, page)
        self._note_navigation(title_page)
        return Document(
            part=self.part,
            edition=edition,
            title=subtitle,
            source_format="chtml",
            source=self.source,
            sections=self.sections,
            tables=self.tables,
            missing_pages=self._missing_pages(edition),
        )

    def _note_link(self, href: str, page: str) -> None:
        """Note that ``page`` links to ``href`` (a page of this publication if relative)."""
        target = unquote(href.partition("#")[0])
        if target and "/" not in target and ":" not in target:
            self._linked.setdefault(target, page)

    def _note_navigation(self, title_page: _Page) -> None:
        """Note every page's navigation links and the title page's contents."""
        for name, page in self.pages.items():
            head = page.root.find(_H + "head")
            if head is not None:
                for link in head.iter(_H + "link"):
                    if link.get("rel") in _NAVIGATION:
                        self._note_link(link.get("href") or "", name)
        for anchor in title_page.body.iter(_H + "a"):
            href = anchor.get("href")
            if href is not None and "olink" not in _classes(anchor):
                self._note_link(href, title_page.name)

    def _missing_pages(self, edition: str) -> tuple[str, ...]:
        missing = sorted(set(self._linked) - set(self.pages))
        known = KNOWN_MISSING_PAGES.get((self.part, edition), frozenset())
        unexpected = [page for page in missing if page not in known]
        if unexpected:
            first = unexpected[0]
            more = f" (and {len(unexpected) - 1} more)" if len(unexpected) > 1 else ""
            raise PublicationError(
                f"page {first}{more} is missing: {self._linked[first]} links to it "
                "(a partial or damaged copy of the publication)",
                self.source,
            )
        return tuple(missing)

    def _subtitle(self, page: _Page) -> str:
        for element in page.body.iter(_H + "h2"):
            if "subtitle" in _classes(element):
                return normalize_text(element_text(element))
        for element in page.root.iter("span", _H + "span"):
            if "documentreleaseinformation" in _classes(element):
                return normalize_text(element_text(element))
        return ""

    def _link(self, page: _Page, relation: str) -> str | None:
        head = page.root.find(_H + "head")
        if head is None:
            return None
        for link in head.iter(_H + "link"):
            if link.get("rel") == relation:
                href = link.get("href") or ""
                return unquote(href.partition("#")[0]) or None
        return None

    def _document_order(self, title_page: _Page) -> list[str]:
        """Pages in document order: the ``rel="next"`` chain, then any page it misses."""
        order: list[str] = []
        seen: set[str] = set()
        name: str | None = title_page.name
        while name is not None and name in self.pages and name not in seen:
            order.append(name)
            seen.add(name)
            name = self._link(self.pages[name], "next")
        order.extend(sorted(set(self.pages) - seen))
        return order

    def _parent_id(self, page: _Page) -> str | None:
        up = self._link(page, "up")
        if up is None or up not in self.pages:
            return None
        parent = self.pages[up]
        if parent.top is None or "book" in _classes(parent.top):
            return None
        return parent.top_id

    # --- sections ---------------------------------------------------------------------

    def _read_section(self, division: etree._Element, parent_id: str | None, page: _Page) -> None:
        section_id = self._heading_id(division)
        heading = self._titlepage_heading(division)
        heading_text = ""
        if heading is not None:
            heading_text = inlines_text(tuple(self._inlines(heading)))
        label, title = split_heading(heading_text)
        if section_id is None:
            section_id = f"section_{parent_id or 'root'}_{len(self.sections) + 1}"
        if section_id in self.sections:
            raise PublicationError(
                f"section {section_id} occurs twice", f"{self.source}/{page.name}"
            )
        self._section_tables[section_id] = []
        self.sections[section_id] = Section(section_id, label, title, parent_id, ())
        collector = BlockCollector()
        subsections: list[etree._Element] = []
        self._content(division, collector, section_id, top=True, subsections=subsections)
        self.sections[section_id] = Section(
            section_id,
            label,
            title,
            parent_id,
            collector.result(),
            tuple(self._section_tables[section_id]),
        )
        for subsection in subsections:
            self._read_section(subsection, section_id, page)

    # --- blocks -----------------------------------------------------------------------

    def _content(
        self,
        element: etree._Element,
        collector: BlockCollector,
        section_id: str,
        *,
        top: bool = False,
        subsections: list[etree._Element] | None = None,
    ) -> None:
        """Feed the mixed content of ``element`` to ``collector``."""
        if element.text and not top:
            collector.inline(Text(element.text))
        for child in element:
            name = _local(child)
            classes = _classes(child)
            if not name or name in _SKIPPED_TAGS:
                pass
            elif name == "div" and set(classes) & _SECTION_CLASSES:
                if subsections is not None:
                    subsections.append(child)
            elif name == "p":
                if "title" in classes:
                    pass  # the title of a list or example
                else:
                    collector.start_paragraph(self._paragraph_id(child))
                    self._content(child, collector, section_id)
                    collector.end_paragraph()
            elif name == "div" and ("table" in classes or "informaltable" in classes):
                collector.block(None)
                self._read_table(child, section_id)
            elif name == "div" and set(classes) & _SKIPPED_CLASSES:
                collector.break_paragraph()
            elif name == "div" and "example" in classes:
                collector.block(None)
                for part in child:
                    if _local(part) == "div" and "example-contents" in _classes(part):
                        self._content(part, collector, section_id, top=True)
            else:
                block = self._block(child, section_id)
                if block is not None:
                    collector.block(block)
                elif name in ("div", "ul", "ol", "dl", "pre", "blockquote", "table"):
                    collector.block(None)
                    self._content(child, collector, section_id, top=True)
                else:
                    for inline in self._inline(child):
                        collector.inline(inline)
            if child.tail and not top:
                collector.inline(Text(child.tail))

    @staticmethod
    def _paragraph_id(paragraph: etree._Element) -> str | None:
        """The id of a ``<p>``: its leading ``<a id>`` anchor, as DocBook XSL writes it."""
        if (paragraph.text or "").strip():
            return None
        for child in paragraph:
            if _local(child) == "a" and child.get("id") and child.get("href") is None:
                return child.get("id")
            return None
        return None

    def _blocks(
        self, element: etree._Element, section_id: str, *, top: bool = False
    ) -> tuple[Block, ...]:
        collector = BlockCollector()
        self._content(element, collector, section_id, top=top)
        return collector.result()

    def _block(self, element: etree._Element, section_id: str) -> Block | None:
        name = _local(element)
        classes = set(_classes(element))
        if name == "pre":
            return Preformatted(element_text(element))
        if name != "div":
            return None
        if classes & _NOTE_CLASSES:
            return Note(self._blocks(element, section_id, top=True))
        if "itemizedlist" in classes or "orderedlist" in classes:
            items: list[tuple[Block, ...]] = []
            for list_element in element:
                if _local(list_element) in ("ul", "ol"):
                    for item in list_element:
                        if _local(item) == "li":
                            items.append(self._blocks(item, section_id))
            return ItemList(tuple(items), ordered="orderedlist" in classes)
        if "variablelist" in classes:
            entries: list[tuple[list[Inline], list[Block]]] = []
            title = ""
            for definitions in element:
                if _local(definitions) == "p" and "title" in _classes(definitions):
                    title = normalize_text(element_text(definitions))
                if _local(definitions) != "dl":
                    continue
                for child in definitions:
                    if _local(child) == "dt":
                        term: list[Inline] = []
                        for index, span in enumerate(
                            s for s in child if _local(s) == "span" and "term" in _classes(s)
                        ):
                            if index:
                                term.append(Text(", "))
                            term.extend(self._inlines(span))
                        entries.append((term, []))
                    elif _local(child) == "dd" and entries:
                        entries[-1][1].extend(self._blocks(child, section_id))
            return DefinitionList(
                tuple(
                    DefinitionEntry(tidy_inlines(term), tuple(blocks)) for term, blocks in entries
                ),
                title,
            )
        if "glossary" in classes or "glossdiv" in classes or "glosslist" in classes:
            glossary: list[DefinitionEntry] = []
            for definitions in element.iter(_H + "dl"):
                term_inlines: list[Inline] = []
                for child in definitions:
                    if _local(child) == "dt":
                        term_inlines = []
                        for span in child.iter(_H + "span"):
                            if "glossterm" in _classes(span):
                                term_inlines = self._inlines(span)
                                break
                        glossary.append(DefinitionEntry(tidy_inlines(term_inlines), ()))
                    elif _local(child) == "dd" and glossary:
                        last = glossary[-1]
                        glossary[-1] = DefinitionEntry(
                            last.term, last.blocks + self._blocks(child, section_id)
                        )
            return DefinitionList(tuple(glossary))
        if "bibliography" in classes or "bibliodiv" in classes or "bibliolist" in classes:
            bibliography: list[DefinitionEntry] = []
            for entry in element.iter(_H + "div"):
                if "biblioentry" in _classes(entry) or "bibliomixed" in _classes(entry):
                    abbrev = ""
                    for span in entry.iter():
                        if "abbrev" in _classes(span):
                            abbrev = normalize_text(element_text(span))
                            break
                    bibliography.append(DefinitionEntry(tidy_inlines([Text(abbrev)]), ()))
            return DefinitionList(tuple(bibliography))
        return None

    # --- tables -----------------------------------------------------------------------

    def _read_table(self, division: etree._Element, section_id: str) -> None:
        formal = "table" in _classes(division)
        table_id: str | None = None
        caption_text = ""
        table_element: etree._Element | None = None
        for child in division:
            name = _local(child)
            if name == "a" and child.get("id") and table_id is None:
                table_id = child.get("id")
            elif name == "p" and "title" in _classes(child):
                caption_text = inlines_text(tuple(self._inlines(child)))
            elif name == "div" and "table-contents" in _classes(child):
                table_element = child.find(_H + "table")
            elif name == "table":
                table_element = child
        label = ""
        caption = ""
        if formal:
            match = _TABLE_TITLE.match(caption_text)
            if match is None:
                raise PublicationError(
                    f"table {table_id}: title {caption_text!r} is not 'Table <label>. <caption>'",
                    self.source,
                )
            label, caption = match.group(1), (match.group(2) or "").strip()
        if table_id is None or not formal:
            # DocBook informaltables have no id; CHTML then writes no anchor either.
            count = self._informal_counts.get(section_id, 0) + 1
            self._informal_counts[section_id] = count
            table_id = table_id or f"informaltable_{section_id}_{count}"
        if table_element is None:
            raise PublicationError(f"table {table_id} has no <table> element", self.source)
        header: list[list[RawCell]] = []
        body: list[list[RawCell]] = []
        for child in table_element:
            name = _local(child)
            if name == "thead":
                header.extend(self._rows(child, section_id))
            elif name in ("tbody", "tfoot"):
                body.extend(self._rows(child, section_id))
            elif name == "tr":
                body.append(self._cells(child, section_id))
        markup_rows = sum(
            1 for row in table_element.iter(_H + "tr") if _owning_table(row) is table_element
        )
        table = build_table(
            table_id=table_id,
            label=label,
            caption=caption,
            section_id=section_id,
            header=header,
            body=body,
            markup_row_count=markup_rows,
            source=self.source,
        )
        if table_id in self.tables:
            raise PublicationError(f"table id {table_id} occurs twice", self.source)
        self.tables[table_id] = table
        self._section_tables.setdefault(section_id, []).append(table_id)

    def _rows(self, group: etree._Element, section_id: str) -> list[list[RawCell]]:
        return [self._cells(row, section_id) for row in group if _local(row) == "tr"]

    def _cells(self, row: etree._Element, section_id: str) -> list[RawCell]:
        return [
            RawCell(
                self._blocks(cell, section_id),
                cell.get("rowspan"),
                cell.get("colspan"),
            )
            for cell in row
            if _local(cell) in ("td", "th")
        ]

    # --- inlines ----------------------------------------------------------------------

    def _inlines(self, element: etree._Element) -> list[Inline]:
        result: list[Inline] = []
        if element.text:
            result.append(Text(element.text))
        for child in element:
            result.extend(self._inline(child))
            if child.tail:
                result.append(Text(child.tail))
        return result

    def _inline(self, element: etree._Element) -> list[Inline]:
        name = _local(element)
        classes = _classes(element)
        if (
            name == "span"
            and len(element) == 1
            and not (element.text or "").strip()
            and not (element[0].tail or "").strip()
        ):
            # <span class="bold">\n<strong>x</strong>\n</span>: the white space around the
            # one child is the pretty-printer's indentation, not the DocBook's text.
            inner = self._inline(element[0])
            if "bold" in classes or "italic" in classes or "underline" in classes:
                role = (
                    "bold"
                    if "bold" in classes
                    else ("italic" if "italic" in classes else "underline")
                )
                return [Emphasis(role, tuple(inner))]
            if "computeroutput" in classes:
                return [Emphasis("literal", tuple(inner))]
            if set(classes) & _SKIPPED_CLASSES:
                return []
            return inner
        if name == "a":
            return self._anchor(element)
        if name in ("strong", "b") or (name == "span" and "bold" in classes):
            return [Emphasis("bold", tuple(self._inlines(element)))]
        if name in ("em", "i") or (
            name == "span" and ("italic" in classes or "emphasis" in classes)
        ):
            return [Emphasis("italic", tuple(self._inlines(element)))]
        if name == "u" or (name == "span" and "underline" in classes):
            return [Emphasis("underline", tuple(self._inlines(element)))]
        if name == "sup":
            return [Emphasis("superscript", tuple(self._inlines(element)))]
        if name == "sub":
            return [Emphasis("subscript", tuple(self._inlines(element)))]
        if name in ("code", "tt", "kbd", "samp") or (
            name == "span" and "computeroutput" in classes
        ):
            return [Emphasis("literal", tuple(self._inlines(element)))]
        if name in _SKIPPED_TAGS or (set(classes) & _SKIPPED_CLASSES):
            return []
        return self._inlines(element)

    def _anchor(self, element: etree._Element) -> list[Inline]:
        href = element.get("href")
        classes = _classes(element)
        children = self._inlines(element)
        if href is None:
            return children  # an id anchor: its (usually empty) content only
        if "olink" in classes:
            match = _PAGE_PART.search(href)
            document = f"PS3.{int(match.group(1))}" if match else None
            return [CrossReference(_target_of(href), inlines_text(tuple(children)), document)]
        if "xref" in classes or not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href):
            self._note_link(href, self._current_page)
            return [CrossReference(_target_of(href), inlines_text(tuple(children)))]
        return [Link(href, tuple(children))]


def _target_of(href: str) -> str:
    """The id an href points at: its fragment, else the page's name (= its top id)."""
    page, _, fragment = href.partition("#")
    if fragment:
        return unquote(fragment)
    stem = unquote(page.rpartition("/")[2])
    return stem[: -len(".html")] if stem.endswith(".html") else stem


def _owning_table(row: etree._Element) -> etree._Element | None:
    parent = row.getparent()
    while parent is not None and _local(parent) != "table":
        parent = parent.getparent()
    return parent


def read_chtml_pages(pages: Mapping[str, bytes], *, name: str = "<chtml>") -> Document:
    """Read one part of the standard from its CHTML pages held in memory.

    Args:
        pages: page file name (``chapter_9.html``, ``PS3.7.html``) → the page's bytes;
            pages of one ``partNN/`` folder, without folder prefix.
        name: how messages name the publication.

    Returns:
        The :class:`~dicomstd.generator.document.Document` with ``source_format="chtml"``.

    Raises:
        PublicationError: no title page ``PS3.N.html``, a title page without a subtitle
            naming part and edition, a malformed page (naming it and the line), a table
            whose title is not "Table <label>. <caption>" or whose rows cannot all be
            read, or an id that occurs twice.
    """
    if not pages:
        raise PublicationError("no CHTML pages", name)
    return _ChtmlReader(pages, name).read()


def read_chtml(source: str | Path | Mapping[str, bytes], *, name: str | None = None) -> Document:
    """Read one part of the standard from a folder of CHTML pages (or the pages themselves).

    Args:
        source: a ``partNN`` folder holding ``PS3.N.html`` and the chapter/section pages,
            or a mapping of page name → bytes (see :func:`read_chtml_pages`). Tars are read
            by :func:`dicomstd.generator.publications.read_publication`.
        name: how messages name the publication (defaults to the folder).

    Returns:
        The :class:`~dicomstd.generator.document.Document` with ``source_format="chtml"``.

    Raises:
        PublicationError: as :func:`read_chtml_pages`, and a folder that is missing or
            holds no ``.html`` page.
    """
    if isinstance(source, Mapping):
        return read_chtml_pages(source, name=name or "<chtml>")
    folder = Path(source)
    label = name or str(folder)
    try:
        if not stat.S_ISDIR(os.stat(folder).st_mode):
            raise PublicationError("not a folder of CHTML pages", label)
        with os.scandir(folder) as entries:
            names = sorted(
                entry.name
                for entry in entries
                if entry.name.endswith(".html") and not entry.name.startswith(".")
            )
    except FileNotFoundError:
        raise PublicationError("no such CHTML folder", label) from None
    except OSError as error:
        raise PublicationError(os_error_reason(error), label) from None
    except ValueError as error:  # a NUL in the name
        raise PublicationError(f"not a valid folder name ({error})", label) from None
    pages = {page: read_regular_file(folder / page) for page in names}
    if not pages:
        raise PublicationError("the folder holds no .html page", label)
    return read_chtml_pages(pages, name=label)
