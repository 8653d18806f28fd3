"""Render a :class:`~.statement.Statement` as HTML or Markdown with the jinja2 templates of
``templates/``.

HTML is rendered with autoescaping on: every text that comes from a declaration or a sample
(names, descriptions, file names, Values) is escaped, so a declaration cannot inject markup.
Markdown has no escaping of its own; the ``md`` filter escapes the characters that would
change the structure (``|`` in tables, ``<``, ``&``, backslash, leading ``#``, emphasis and
link brackets), and line breaks inside a cell become spaces.
"""

from __future__ import annotations

import re

import jinja2

from dicomstd.conformance.statement import Banner, Items, Paragraph, Statement, Table

__all__ = ["render", "render_html", "render_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def _md(text: object) -> str:
    """``text`` safe in Markdown (inline or in a table cell)."""
    value = " ".join(str(text).split())
    value = value.replace("&", "&amp;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def _environment(autoescape: bool) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("dicomstd.conformance", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = _md
    environment.tests["table"] = lambda block: isinstance(block, Table)
    environment.tests["paragraph"] = lambda block: isinstance(block, Paragraph)
    environment.tests["items"] = lambda block: isinstance(block, Items)
    environment.tests["banner"] = lambda block: isinstance(block, Banner)
    return environment


def render_html(statement: Statement) -> str:
    """The statement as one self-contained HTML page (styles inline, no scripts)."""
    return _environment(True).get_template("statement.html.jinja2").render(s=statement)


def render_markdown(statement: Statement) -> str:
    """The statement as Markdown (GitHub-flavoured tables)."""
    return _environment(False).get_template("statement.md.jinja2").render(s=statement)


def render(statement: Statement, kind: str) -> str:
    """``kind`` ``html`` or ``md``.

    Raises:
        ValueError: another ``kind``.
    """
    if kind == "html":
        return render_html(statement)
    if kind == "md":
        return render_markdown(statement)
    raise ValueError(f"unknown output kind {kind!r} (html or md)")
