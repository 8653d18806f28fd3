"""DICOM Conformance Statements (PS3.2) from a declaration and sample output.

>>> from dicomstd.conformance import load_declaration, statement_for, render
>>> declaration = load_declaration("ct_modality.toml")     # DeclarationError on problems
>>> html = render(statement_for(declaration, samples=["ct/"]), "html")

The declaration format is ``declaration.schema.json``; ``examples/`` holds a CT modality and
a PACS archive. The statement follows the template of PS3.2 2024c Annex N (see
:mod:`dicomstd.conformance.statement`); the IOD contents of created instances come from the
compiled IODs and, where samples are given, from the samples and the validator
(:mod:`dicomstd.conformance.iod_contents`).
"""

from __future__ import annotations

from dicomstd.conformance.declaration import (
    Declaration,
    DeclarationError,
    Problem,
    load_declaration,
    parse_declaration,
)
from dicomstd.conformance.render import render, render_html, render_markdown
from dicomstd.conformance.statement import Statement, build_statement, statement_for

__all__ = [
    "Declaration",
    "DeclarationError",
    "Problem",
    "Statement",
    "build_statement",
    "load_declaration",
    "parse_declaration",
    "render",
    "render_html",
    "render_markdown",
    "statement_for",
]
