"""Reader of NEMA's DocBook XML publication (``partNN.xml``, DocBook 5).

NEMA writes every part of the standard in DocBook 5 (namespace
``http://docbook.org/ns/docbook``): a ``<book xml:id="PS3.7" label="PS3.7">`` whose
``<subtitle>`` names part and edition, ``<chapter>``/``<section>`` with ``label`` and
``xml:id``, and HTML-style tables (``<table label="9.1-1" xml:id="table_9.1-1">`` with a
``<caption>``, ``<thead>``/``<tbody>``, ``<tr>``, ``<td rowspan colspan>``).

A ``<xref linkend>`` carries no text: the reader generates the label the way NEMA's
DocBook XSL 1.78.1 renders it in the CHTML publication (``xrefstyle`` "select: label" →
"Table 9.1-1", "template:Annex %n" → "Annex C", a bibliography entry → "[ISO 7498]").
An ``<olink targetdoc targetptr>`` points into another part; its number is derived from the
target id (``sect_C.7.6.1`` → "C.7.6.1"), but its title is not in this document (NEMA
resolves it from the other parts' olink databases), so ``%t`` of another part falls back
to the target id.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from lxml import etree

from dicomstd.errors import PublicationError
from dicomstd.generator._xml import (
    element_text,
    read_regular_file,
    BlockCollector,
    RawCell,
    build_table,
    edition_of_subtitle,
    parse_xml,
    part_of_document,
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

__all__ = ["DOCBOOK_NAMESPACE", "read_docbook"]

DOCBOOK_NAMESPACE = "http://docbook.org/ns/docbook"
_D = "{" + DOCBOOK_NAMESPACE + "}"
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

_SECTION_TAGS = frozenset(
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
_NOTE_TAGS = frozenset({"note", "caution", "important", "warning", "tip"})
# Rendered without text a reader of the tables needs (figures are images).
_SKIPPED_BLOCKS = frozenset(
    {
        "figure",
        "informalfigure",
        "mediaobject",
        "equation",
        "informalequation",
        "indexterm",
        "title",
        "subtitle",
        "titleabbrev",
        "info",
        "anchor",
        "remark",
    }
)
_PREFORMATTED = frozenset({"programlisting", "screen", "literallayout", "synopsis"})
_LITERAL = frozenset(
    {
        "computeroutput",
        "literal",
        "code",
        "userinput",
        "filename",
        "varname",
        "constant",
        "function",
        "parameter",
        "systemitem",
        "option",
        "command",
    }
)

# How DocBook XSL's English gentext names a numbered target ("select: label").
_KIND_WORD = {
    "section": "Section",
    "sect1": "Section",
    "sect2": "Section",
    "sect3": "Section",
    "sect4": "Section",
    "sect5": "Section",
    "simplesect": "Section",
    "chapter": "Chapter",
    "appendix": "Appendix",
    "table": "Table",
    "figure": "Figure",
    "example": "Example",
    "equation": "Equation",
    "book": "",
}
# Id prefixes of NEMA's ids, for olink targets in other parts (whose elements are unknown).
_PREFIX_KIND = {
    "sect": "section",
    "chapter": "chapter",
    "table": "table",
    "figure": "figure",
    "example": "example",
    "equation": "equation",
}
# DocBook XSL's default xref text (no xrefstyle) for numbered targets.
_DEFAULT_TEMPLATE = {
    "section": "Section %n, “%t”",
    "chapter": "Chapter %n, %t",
    "appendix": "Appendix %n, %t",
    "table": "Table %n, “%t”",
    "figure": "Figure %n, “%t”",
    "example": "Example %n, “%t”",
    "equation": "Equation %n, “%t”",
}
_NBSP = "\u00a0"
_EMPHASIS_ROLE = {
    "": "italic",
    "italic": "italic",
    "emphasis": "italic",
    "bold": "bold",
    "strong": "bold",
    "underline": "underline",
}


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag[len(_D) :] if tag.startswith(_D) else tag.rpartition("}")[2]


class _Target:
    """What an xref needs of its target: kind, number and title."""

    __slots__ = ("kind", "number", "element", "_title", "reader")

    def __init__(
        self,
        kind: str,
        number: str,
        element: etree._Element | None,
        reader: "_DocBookReader | None",
        title: str | None = None,
    ) -> None:
        self.kind = kind
        self.number = number
        self.element = element
        self.reader = reader
        self._title = title

    @property
    def title(self) -> str | None:
        if self._title is None and self.element is not None and self.reader is not None:
            self._title = self.reader.title_of(self.element)
        return self._title


def render_xref(
    style: str | None, target: _Target, *, document: str | None = None, default: str | None = None
) -> str:
    """Return the label NEMA's DocBook XSL renders for an xref/olink with ``xrefstyle``.

    ``select:`` keywords (label, labelnumber, title, quotedtitle, docname) and
    ``template:`` strings (``%n`` number, ``%t`` title, ``%o`` document) are supported.
    """
    title = target.title
    title_text = title if title is not None else ""
    word = _KIND_WORD.get(target.kind, "")
    label = f"{word}{_NBSP}{target.number}" if word and target.number else target.number
    if style is not None and style.strip().startswith("template:"):
        template = style.strip()[len("template:") :]
        return normalize_text(
            template.replace("%n", target.number)
            .replace("%t", title_text)
            .replace("%o", document or "")
        )
    if style is not None and style.strip().startswith("select:"):
        pieces: list[str] = []
        docname = False
        for keyword in style.strip()[len("select:") :].split():
            if keyword == "label":
                pieces.append(label)
            elif keyword == "labelnumber":
                pieces.append(target.number)
            elif keyword == "title":
                pieces.append(title_text)
            elif keyword == "quotedtitle":
                pieces.append(f"“{title_text}”")
            elif keyword == "docname":
                docname = True
        text = " ".join(piece for piece in pieces if piece)
        if docname and document:
            text = f"{text} in {document}"
        return normalize_text(text)
    if default is not None:
        return normalize_text(default)
    default_template = _DEFAULT_TEMPLATE.get(target.kind)
    if default_template is None or not target.number:
        return normalize_text(title_text or label)
    return normalize_text(default_template.replace("%n", target.number).replace("%t", title_text))


class _DocBookReader:
    def __init__(self, root: etree._Element, source: str) -> None:
        self.root = root
        self.source = source
        self.ids: dict[str, etree._Element] = {}
        for element in root.iter():
            identifier = element.get(_XML_ID)
            if identifier is not None:
                # The first wins where an id is repeated (a fault of some editions).
                self.ids.setdefault(identifier, element)
        self.part = ""
        self.sections: dict[str, Section] = {}
        self.tables: dict[str, Table] = {}
        self._titles: dict[int, str] = {}
        self._informal_counts: dict[str, int] = {}
        self._section_tables: dict[str | None, list[str]] = {}
        self._section_elements: dict[str, etree._Element] = {}

    # --- document ---------------------------------------------------------------------

    def read(self) -> Document:
        root = self.root
        if _local(root) != "book" or not str(root.tag).startswith(_D):
            raise PublicationError(
                f"not a DocBook publication: root element is <{_local(root) or root.tag}>, "
                f"expected <book> in namespace {DOCBOOK_NAMESPACE}",
                self.source,
            )
        subtitle_element = root.find(_D + "subtitle")
        if subtitle_element is None:
            subtitle_element = root.find(f"{_D}info/{_D}subtitle")
        if subtitle_element is None:
            raise PublicationError(
                "the book has no <subtitle> naming part and edition", self.source
            )
        subtitle = normalize_text(element_text(subtitle_element))
        found = edition_of_subtitle(subtitle)
        if found is None:
            raise PublicationError(
                f"the subtitle {subtitle!r} names no part and edition "
                "(expected e.g. 'DICOM PS3.7 2024c - Message Exchange')",
                self.source,
            )
        subtitle_part, edition = found
        part = (
            part_of_document(root.get("label") or "")
            or part_of_document(root.get(_XML_ID) or "")
            or subtitle_part
        )
        self.part = part
        self._walk_sections(root, None)
        return Document(
            part=part,
            edition=edition,
            title=subtitle,
            source_format="docbook",
            source=self.source,
            sections=self.sections,
            tables=self.tables,
        )

    def _walk_sections(self, element: etree._Element, parent_id: str | None) -> None:
        for child in element:
            if _local(child) in _SECTION_TAGS:
                self._read_section(child, parent_id)

    def _read_section(self, element: etree._Element, parent_id: str | None) -> None:
        section_id = element.get(_XML_ID)
        if section_id is None:
            # DocBook XSL would generate an id; ours is stable across readings.
            section_id = f"section_{parent_id or 'root'}_{len(self.sections) + 1}"
        title_element = element.find(_D + "title")
        if title_element is None:
            title_element = element.find(f"{_D}info/{_D}title")
        if section_id in self.sections:
            first = self._section_elements[section_id]
            if etree.tostring(first, with_tail=False) == etree.tostring(element, with_tail=False):
                # The 2016c PS3.3 excerpt repeats section C.8.8.4 byte for byte: read once.
                return
            raise PublicationError(
                f"section id {section_id} occurs twice, with different content (lines "
                f"{first.sourceline} and {element.sourceline})",
                self.source,
            )
        self._section_elements[section_id] = element
        title = self.title_of(element) if title_element is not None else ""
        self._section_tables[section_id] = []
        # Insert before the subsections so that sections stay in document order.
        self.sections[section_id] = Section(
            section_id, element.get("label") or "", title, parent_id, ()
        )
        collector = BlockCollector()
        self._content(element, collector, section_id, top=True)
        self.sections[section_id] = Section(
            section_id,
            element.get("label") or "",
            title,
            parent_id,
            collector.result(),
            tuple(self._section_tables[section_id]),
        )
        self._walk_sections(element, section_id)

    def title_of(self, element: etree._Element) -> str:
        """The normalised title of a section, table, figure… (xrefs inside rendered)."""
        key = id(element)
        cached = self._titles.get(key)
        if cached is not None:
            return cached
        self._titles[key] = ""  # guards against a title referring to itself
        title_element = None
        for name in ("title", "caption"):
            title_element = element.find(_D + name)
            if title_element is None:
                title_element = element.find(f"{_D}info/{_D}{name}")
            if title_element is not None:
                break
        if _local(element) == "glossentry":
            title_element = element.find(_D + "glossterm")
        text = (
            inlines_text(tuple(self._inlines(title_element))) if title_element is not None else ""
        )
        self._titles[key] = text
        return text

    # --- blocks -----------------------------------------------------------------------

    def _content(
        self,
        element: etree._Element,
        collector: BlockCollector,
        section_id: str | None,
        *,
        top: bool = False,
    ) -> None:
        """Feed the mixed content of ``element`` to ``collector``."""
        if element.text and not top:
            collector.inline(Text(element.text))
        for child in element:
            name = _local(child)
            if not name:
                pass
            elif name in _SECTION_TAGS:
                if not top:
                    self._read_section(child, section_id)
            elif top and name in ("title", "info", "subtitle", "titleabbrev"):
                pass
            elif name in ("para", "simpara"):
                collector.start_paragraph(child.get(_XML_ID))
                self._content(child, collector, section_id)
                collector.end_paragraph()
            elif name == "formalpara":
                self._content(child, collector, section_id)
            elif name in ("table", "informaltable"):
                collector.block(None)
                self._read_table(child, section_id)
            elif name in _SKIPPED_BLOCKS:
                collector.break_paragraph()
            elif name == "example":
                collector.block(None)
                self._content(child, collector, section_id, top=True)
            else:
                block = self._block(child, section_id)
                if block is not None:
                    collector.block(block)
                elif block is None and name not in _BLOCK_TAGS:
                    for inline in self._inline(child):
                        collector.inline(inline)
            if child.tail and not top:
                collector.inline(Text(child.tail))

    def _blocks(self, element: etree._Element, section_id: str | None) -> tuple[Block, ...]:
        collector = BlockCollector()
        self._content(element, collector, section_id)
        return collector.result()

    def _block(self, element: etree._Element, section_id: str | None) -> Block | None:
        name = _local(element)
        if name in _NOTE_TAGS:
            return Note(self._blocks_without_title(element, section_id))
        if name in ("itemizedlist", "orderedlist"):
            items = tuple(
                self._blocks(item, section_id) for item in element if _local(item) == "listitem"
            )
            return ItemList(items, ordered=name == "orderedlist")
        if name == "variablelist":
            entries: list[DefinitionEntry] = []
            for entry in element:
                if _local(entry) != "varlistentry":
                    continue
                terms = [term for term in entry if _local(term) == "term"]
                term_inlines: list[Inline] = []
                for index, term in enumerate(terms):
                    if index:
                        term_inlines.append(Text(", "))
                    term_inlines.extend(self._inlines(term))
                item = entry.find(_D + "listitem")
                blocks = self._blocks(item, section_id) if item is not None else ()
                entries.append(DefinitionEntry(tidy_inlines(term_inlines), blocks))
            title = element.find(_D + "title")
            return DefinitionList(
                tuple(entries), normalize_text(element_text(title)) if title is not None else ""
            )
        if name in ("glossary", "glossdiv", "glosslist"):
            return DefinitionList(tuple(self._glossentries(element, section_id)))
        if name in ("bibliography", "bibliodiv", "bibliolist"):
            return DefinitionList(
                tuple(
                    DefinitionEntry(tidy_inlines([Text(self._abbrev(entry))]), ())
                    for entry in element.iter(_D + "biblioentry", _D + "bibliomixed")
                )
            )
        if name in _PREFORMATTED:
            return Preformatted(element_text(element))
        return None

    def _blocks_without_title(
        self, element: etree._Element, section_id: str | None
    ) -> tuple[Block, ...]:
        collector = BlockCollector()
        self._content(element, collector, section_id, top=True)
        return collector.result()

    def _glossentries(
        self, element: etree._Element, section_id: str | None
    ) -> Iterator[DefinitionEntry]:
        for entry in element.iter(_D + "glossentry"):
            term = entry.find(_D + "glossterm")
            definition = entry.find(_D + "glossdef")
            yield DefinitionEntry(
                tidy_inlines(self._inlines(term)) if term is not None else (),
                self._blocks(definition, section_id) if definition is not None else (),
            )

    @staticmethod
    def _abbrev(entry: etree._Element) -> str:
        abbrev = entry.find(_D + "abbrev")
        return normalize_text(element_text(abbrev)) if abbrev is not None else ""

    # --- tables -----------------------------------------------------------------------

    def _read_table(self, element: etree._Element, section_id: str | None) -> None:
        table_id = element.get(_XML_ID)
        formal = _local(element) == "table"
        if table_id is None:
            count = self._informal_counts.get(section_id or "", 0) + 1
            self._informal_counts[section_id or ""] = count
            table_id = f"informaltable_{section_id}_{count}"
        if element.find(f".//{_D}tgroup") is not None:
            raise PublicationError(
                f"table {table_id} is a CALS table (<tgroup>), which NEMA does not publish "
                "and this reader does not read",
                self.source,
            )
        caption = ""
        if formal:
            caption = self.title_of(element)
        header: list[list[RawCell]] = []
        body: list[list[RawCell]] = []
        for child in element:
            name = _local(child)
            if name == "thead":
                header.extend(self._rows(child, section_id))
            elif name in ("tbody", "tfoot"):
                body.extend(self._rows(child, section_id))
            elif name == "tr":
                body.append(self._cells(child, section_id))
        markup_rows = sum(1 for row in element.iter(_D + "tr") if _owning_table(row) is element)
        table = build_table(
            table_id=table_id,
            label=(element.get("label") or "") if formal else "",
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

    def _rows(self, group: etree._Element, section_id: str | None) -> list[list[RawCell]]:
        return [self._cells(row, section_id) for row in group if _local(row) == "tr"]

    def _cells(self, row: etree._Element, section_id: str | None) -> list[RawCell]:
        return [
            RawCell(
                self._blocks(cell, section_id),
                cell.get("rowspan"),
                cell.get("colspan"),
            )
            for cell in row
            if _local(cell) in ("td", "th", "entry")
        ]

    # --- inlines ----------------------------------------------------------------------

    def _inlines(self, element: etree._Element) -> list[Inline]:
        """The inlines of ``element``'s mixed content (not tidied)."""
        result: list[Inline] = []
        if element.text:
            result.append(Text(element.text))
        for child in element:
            if _local(child) not in _SKIPPED_BLOCKS or _local(child) == "remark":
                result.extend(self._inline(child))
            if child.tail:
                result.append(Text(child.tail))
        return result

    def _inline(self, element: etree._Element) -> list[Inline]:
        name = _local(element)
        if name == "emphasis":
            role = (element.get("role") or "").lower()
            # DocBook XSL: no role → <em>; bold/strong/underline/italic → that style; any
            # other role (NEMA writes "left") → a <span class="left"> of no style.
            mapped = _EMPHASIS_ROLE.get(role)
            if mapped is None:
                return self._inlines(element)
            return [Emphasis(mapped, tuple(self._inlines(element)))]
        if name == "citetitle" or name == "firstterm":
            return [Emphasis("italic", tuple(self._inlines(element)))]
        if name == "superscript":
            return [Emphasis("superscript", tuple(self._inlines(element)))]
        if name == "subscript":
            return [Emphasis("subscript", tuple(self._inlines(element)))]
        if name in _LITERAL:
            return [Emphasis("literal", tuple(self._inlines(element)))]
        if name == "xref":
            return [self._xref(element)]
        if name == "olink":
            return [self._olink(element)]
        if name == "link":
            href = element.get(_XLINK_HREF)
            children = self._inlines(element)
            if href is not None:
                if not inlines_text(tuple(children)):
                    children = [Text(href)]
                return [Link(href, tuple(children))]
            linkend = element.get("linkend") or ""
            label = inlines_text(tuple(children)) or self._xref_label(linkend, None)
            return [CrossReference(linkend, label)]
        if name in _SKIPPED_BLOCKS and name != "remark":
            return []
        return self._inlines(element)

    def _xref(self, element: etree._Element) -> CrossReference:
        linkend = element.get("linkend") or ""
        text = normalize_text(element_text(element))
        label = text or self._xref_label(linkend, element.get("xrefstyle"))
        return CrossReference(linkend, label)

    def _xref_label(self, linkend: str, style: str | None) -> str:
        target = self.ids.get(linkend)
        if target is None:
            # Not in this document (an excerpt): what the id itself tells ("Table 10-18").
            return render_xref(style, _olink_target(linkend, ""))
        kind = _local(target)
        default: str | None = None
        if kind == "biblioentry" or kind == "bibliomixed":
            default = f"[{self._abbrev(target)}]"
        elif kind == "glossentry":
            default = self.title_of(target)
        elif kind in _NOTE_TAGS:
            default = kind.capitalize()
        number = target.get("label") or ""
        return render_xref(style, _Target(kind, number, target, self), default=default)

    def _olink(self, element: etree._Element) -> CrossReference:
        targetdoc = element.get("targetdoc") or ""
        targetptr = element.get("targetptr") or targetdoc
        document = part_of_document(targetdoc) or targetdoc or None
        text = normalize_text(element_text(element))
        if text:
            return CrossReference(targetptr, text, document)
        style = element.get("xrefstyle")
        if document == self.part and targetptr in self.ids:
            label = self._xref_label(targetptr, style)
        else:
            label = render_xref(style, _olink_target(targetptr, targetdoc), document=targetdoc)
        return CrossReference(targetptr, label, document)


_BLOCK_TAGS = (
    _NOTE_TAGS
    | _PREFORMATTED
    | frozenset(
        {
            "itemizedlist",
            "orderedlist",
            "variablelist",
            "glossary",
            "glossdiv",
            "glosslist",
            "bibliography",
            "bibliodiv",
            "bibliolist",
        }
    )
)


def _olink_target(targetptr: str, targetdoc: str) -> _Target:
    """What can be known of a target in another part from its id alone."""
    if targetptr == targetdoc:
        # The other part itself: its number and title are both its name ("PS3.5").
        return _Target("book", targetptr, None, None, title=targetptr)
    prefix, _, rest = targetptr.partition("_")
    kind = _PREFIX_KIND.get(prefix, prefix)
    # "sect_CID_400" is printed "CID 400" (PS3.16's context groups and templates).
    number = rest.replace("_", " ") if rest else targetptr
    return _Target(kind, number, None, None, title=targetptr)


def _owning_table(row: etree._Element) -> etree._Element | None:
    parent = row.getparent()
    while parent is not None and _local(parent) not in ("table", "informaltable"):
        parent = parent.getparent()
    return parent


def read_docbook(
    source: etree._Element | bytes | str | Path, *, name: str | None = None
) -> Document:
    """Read one part of the standard from its DocBook XML.

    Reads ``<book>`` (``label``/``xml:id`` → part, ``<subtitle>`` → edition), every
    ``<chapter>``/``<section>`` (``xml:id``, ``label``, ``<title>``), every ``<table>`` and
    ``<informaltable>`` (``<caption>``, ``<thead>``/``<tbody>`` rows with ``rowspan`` and
    ``colspan``) and their paragraphs, notes, lists, cross references and links.

    Args:
        source: the root element of a parsed document, the XML as bytes, or the path of
            an uncompressed ``partNN.xml`` (see
            :func:`dicomstd.generator.publications.read_publication` for the rest).
        name: how messages name the publication (defaults to the path, or "<docbook>").

    Returns:
        The :class:`~dicomstd.generator.document.Document` with ``source_format="docbook"``.

    Raises:
        PublicationError: malformed XML (with its line), a root that is not a DocBook
            ``<book>``, a book without a subtitle naming part and edition, or a table whose
            rows cannot all be read.
    """
    if isinstance(source, etree._Element):
        label = name or "<docbook>"
        root = source
    elif isinstance(source, bytes):
        label = name or "<docbook>"
        root = parse_xml(source, label, collect_ids=False)
    else:
        path = Path(source)
        label = name or str(path)
        data = read_regular_file(path)
        root = parse_xml(data, label, collect_ids=False)
    return _DocBookReader(root, label).read()
