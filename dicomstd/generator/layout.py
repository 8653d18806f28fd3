"""Pre-layout: put rendered code into the form black gives it, before black sees it.

Black (``black.format_str``) formats a text twice whenever its first pass changes it (the
second pass settles the trailing commas the first one added), so a text that is already in
black's form costs one pass instead of two: half of black's time, which is most of a
build's. The templates write each statement on one line; :func:`prelayout` splits the long
ones as black would, for the few shapes the templates produce (imports, ``__all__``, class
headers, annotations, nested calls, tuples and lists of literals), and normalizes string
quotes as black does. Whatever it does not recognize it leaves as it is.

This is only a speed-up: :func:`dicomstd.generator.emit.format_python` still formats every
file with black, and when black changes the pre-laid text at all (a shape laid otherwise
than black would), the file is formatted from the template's own text instead, as without
this module. A pre-laid text that black leaves unchanged is black's output; that it is the
same as black's output for the template's text is what the tests check: each shape in
tests/test_emit.py, and in tests/test_build.py a sample of a real build's files against
black alone, no file of the build missed, and the committed ``generated/`` regenerated
byte for byte.
"""

from __future__ import annotations

import re
from typing import Callable

__all__ = ["LINE_LENGTH", "prelayout"]

LINE_LENGTH = 100
_INDENT = "    "

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t]+)
    |(?P<str>[rRbBuUfF]{0,2}(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<num>0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+)
    |(?P<op>\*\*|->|==|!=|<=|>=|//|:=|\.\.\.|[-+*/%@&|^~<>()\[\]{},:.;=])
    """,
    re.VERBOSE,
)
_OPENING = {"(": ")", "[": "]", "{": "}"}
_CLOSING = {")", "]", "}"}
_NOT_DELIMITERS = {",", ":", "=", "...", "->"}
_KEYWORDS_AS_OPERATORS = {"if", "else", "and", "or", "not", "in", "is", "lambda", "for"}


class _Bail(Exception):
    """A shape this module does not lay out: the line is left as it is."""


class _Line:
    """One logical line as tokens: ``texts[i]`` and the whitespace before it, ``gaps[i]``,
    with ``match[i]`` the index of the bracket matching the bracket at ``i``."""

    def __init__(self, source: str) -> None:
        texts: list[str] = []
        kinds: list[str] = []
        gaps: list[str] = []
        position, gap = 0, ""
        while position < len(source):
            found = _TOKEN.match(source, position)
            if found is None:
                raise _Bail
            kind = found.lastgroup
            assert kind is not None
            text = found.group()
            position = found.end()
            if kind == "ws":
                gap = text
                continue
            if kind == "str":
                text = _normalized_quotes(text)
            texts.append(text)
            kinds.append(kind)
            gaps.append(gap)
            gap = ""
        self.texts, self.kinds, self.gaps = texts, kinds, gaps
        self.match = [-1] * len(texts)
        self.depth = [0] * len(texts)
        stack: list[int] = []
        for index, text in enumerate(texts):
            if text in _CLOSING:
                if not stack or _OPENING[texts[stack[-1]]] != text:
                    raise _Bail
                opening = stack.pop()
                self.match[opening], self.match[index] = index, opening
            self.depth[index] = len(stack)
            if text in _OPENING:
                stack.append(index)
        if stack:
            raise _Bail

    def piece(self, start: int, end: int) -> str:
        """The text of tokens ``start`` to ``end`` (exclusive), as written."""
        if start >= end:
            return ""
        return self.texts[start] + "".join(
            self.gaps[i] + self.texts[i] for i in range(start + 1, end)
        )

    def is_atom(self, opening: int) -> bool:
        """Whether the bracket at ``opening`` starts a literal (tuple, list, parenthesized
        expression), not a call or a subscript."""
        if opening == 0:
            return True
        before = self.texts[opening - 1]
        kind = self.kinds[opening - 1]
        if before in _CLOSING or kind == "str":
            return False
        return not (kind == "name" and before not in _KEYWORDS_AS_OPERATORS | {"return"})

    def commas(self, start: int, end: int, depth: int) -> list[int]:
        return [i for i in range(start, end) if self.texts[i] == "," and self.depth[i] == depth]

    def has_magic_comma(self, start: int, end: int) -> bool:
        """Whether a bracket closing within ``start`` to ``end`` follows a trailing comma
        that black keeps exploded (not that of a one-element tuple or subscript)."""
        for index in range(start + 1, end):
            if self.texts[index] in _CLOSING and self.texts[index - 1] == ",":
                opening = self.match[index]
                if self.texts[index] == "]" and not self.is_atom(opening):
                    if len(self.commas(opening + 1, index, self.depth[index] + 1)) == 1:
                        continue
                if self.texts[index] == ")" and self.is_atom(opening):
                    if len(self.commas(opening + 1, index, self.depth[index] + 1)) == 1:
                        continue
                return True
        return False

    def operators(self, start: int, end: int, depth: int, allowed: tuple[str, ...] = ()) -> bool:
        """Whether tokens ``start`` to ``end`` hold an operator at ``depth`` that black
        could split at (anything but names, literals, simple attribute access, calls and
        subscripts)."""
        for index in range(start, end):
            if self.depth[index] != depth or self.texts[index] in _OPENING:
                continue
            text, kind = self.texts[index], self.kinds[index]
            if text in _CLOSING or text in _NOT_DELIMITERS or text in allowed:
                continue
            if text == "|" and index == start:
                continue  # a line that black's delimiter split began with its operator
            if text == "lambda" and index == start and ":" in self.texts[index + 1 : index + 3]:
                continue  # ``lambda: ...``, ``lambda item: ...`` (one parameter) as an element
            if text in ("*", "**") and (index == start or self.texts[index - 1] in ("(", ",")):
                continue  # unpacking, not multiplication
            if kind in ("name", "str", "num") and text not in _KEYWORDS_AS_OPERATORS:
                if kind == "str" and index > start and self.kinds[index - 1] == "str":
                    return True  # implicit concatenation
                continue
            if text == "." and index > start and self.texts[index - 1] not in _CLOSING:
                continue
            return True
        return False


def _normalized_quotes(text: str) -> str:
    """A string literal as black writes it (its own rule: double quotes unless that
    needs more escapes)."""
    if text[0] not in "'\"":
        raise _Bail  # a prefixed string: black may change its prefix
    return _normalize_string_quotes(text)


def _fits(text: str) -> bool:
    return len(text) <= LINE_LENGTH


def _lay(line: _Line, start: int, end: int, indent: str, suffix: str, inside: bool) -> list[str]:
    """Lay out tokens ``start``..``end`` followed by ``suffix`` (a trailing comma or
    nothing) at ``indent``: one line if it fits, else split as black splits."""
    text = line.piece(start, end) + suffix
    has_magic = line.has_magic_comma(start, end)
    if _fits(indent + text) and not has_magic:
        return [indent + text]
    depth = line.depth[start] if start < end else 0
    if inside:
        commas = line.commas(start, end, depth)
        if commas and not (len(commas) == 1 and commas[0] == end - 1 and not suffix):
            return _explode(line, start, end, indent, depth)
        bars = [i for i in range(start + 1, end) if line.depth[i] == depth and line.texts[i] == "|"]
        if bars:
            # Black's delimiter split at the next priority: before each ``|``.
            if line.operators(start, end, depth, allowed=("|",)):
                raise _Bail
            lines: list[str] = []
            for first, after in zip([start, *bars], [*bars, end]):
                lines.extend(_lay(line, first, after, indent, suffix if after == end else "", True))
            return lines
    # Right-hand split at the last bracket.
    closing = end - 1
    while closing >= start and line.texts[closing] not in _CLOSING:
        closing -= 1
    if closing < start:
        if line.operators(start, end, depth):
            raise _Bail
        return [indent + text]  # nothing to split at: black leaves it long
    if line.depth[closing] != depth:
        raise _Bail
    opening = line.match[closing]
    head = line.piece(start, opening + 1)
    tail = line.piece(closing, end) + suffix
    if not head or not _fits(indent + head) or not _fits(indent + tail.lstrip()):
        raise _Bail
    if line.operators(start, opening, depth) or line.operators(closing + 1, end, depth):
        raise _Bail
    return [indent + head, *_body(line, opening, closing, indent), indent + tail]


def _body(line: _Line, opening: int, closing: int, indent: str) -> list[str]:
    """The lines between the brackets at ``opening`` and ``closing``."""
    inner = indent + _INDENT
    start, end = opening + 1, closing
    if start >= end:
        raise _Bail
    depth = line.depth[opening] + 1
    commas = line.commas(start, end, depth)
    atom = line.is_atom(opening)
    body = line.piece(start, end)
    exploded = bool(commas) and (
        line.has_magic_comma(opening, closing + 1)
        and not (len(commas) == 1 and commas[0] == end - 1)
        or atom
        and any(c != end - 1 for c in commas)
    )
    if not exploded and _fits(inner + body) and not line.has_magic_comma(start, end):
        return [inner + body]
    if not commas:
        return _lay(line, start, end, inner, "", True)
    return _explode(line, start, end, inner, depth)


def _explode(line: _Line, start: int, end: int, indent: str, depth: int) -> list[str]:
    """One element a line, each with its comma (black's delimiter split)."""
    if any(line.texts[i] == "for" for i in range(start, end)):
        raise _Bail
    lines: list[str] = []
    element = start
    for comma in [*line.commas(start, end, depth), end]:
        if comma == end and element >= end:
            break
        if element >= comma:
            raise _Bail
        lines.extend(_lay(line, element, comma, indent, ",", True))
        element = comma + 1
    return lines


def _statement(source: str, indent: str) -> list[str]:
    """Lay out the logical line ``source`` (without its indentation)."""
    line = _Line(source)
    count = len(line.texts)
    if count == 0:
        raise _Bail
    if line.has_magic_comma(0, count) is False and _fits(indent + line.piece(0, count)):
        return [indent + line.piece(0, count)]
    first = line.texts[0]
    if first == "from" and "import" in line.texts and "(" not in line.texts:
        at = line.texts.index("import")
        names = line.piece(at + 1, count).split(",")
        head = line.piece(0, at + 1)
        return [
            f"{indent}{head} (",
            *(f"{indent}{_INDENT}{name.strip()}," for name in names),
            f"{indent})",
        ]
    if first == "def":
        # Left-hand split: at the first bracket.
        opening = line.texts.index("(")
        closing = line.match[opening]
        head = line.piece(0, opening + 1)
        tail = line.piece(closing, count)
        inner = indent + _INDENT
        body = line.piece(opening + 1, closing)
        if not line.commas(opening + 1, closing, 1):
            raise _Bail
        if not _fits(indent + head) or not _fits(indent + tail):
            raise _Bail
        if _fits(inner + body) and not line.has_magic_comma(opening, closing + 1):
            return [indent + head, inner + body, indent + tail]
        return [indent + head, *_explode(line, opening + 1, closing, inner, 1), indent + tail]
    if first == "class":
        if line.texts[-1] != ":" or line.texts[-2] != ")":
            raise _Bail
        opening = line.match[count - 2]
        head = line.piece(0, opening + 1)
        return [indent + head, *_body(line, opening, count - 2, indent), indent + "):"]
    if line.texts[-1] == ",":
        # An element of a collection the template already wrote one element a line.
        return _lay(line, 0, count - 1, indent, ",", True)
    if count == 1 and line.kinds[0] == "str":
        # A docstring: black leaves it long, and strips it.
        body = line.texts[0][1:-1]
        if body != body.strip() or body[-1:] in ("\\", '"', "'"):
            raise _Bail
        return [indent + line.texts[0]]
    # An assignment, an annotation or a return: black puts invisible parentheses around
    # the value and drops them when the value is one call, subscript or literal.
    depth0 = [i for i in range(count) if line.depth[i] == 0]
    if first == "return":
        value = 1
    elif "=" in (line.texts[i] for i in depth0):
        value = next(i for i in depth0 if line.texts[i] == "=") + 1
    elif line.kinds[0] == "name" and count > 2 and line.texts[1] == ":":
        value = 2
    else:
        raise _Bail
    if value >= count:
        raise _Bail
    inner = indent + _INDENT
    if line.operators(value, count, 0):
        annotation = first != "return" and line.texts[1] == ":" and "=" not in line.texts
        bars = [i for i in range(value, count) if line.depth[i] == 0 and line.texts[i] == "|"]
        others = [
            i
            for i in range(value, count)
            if line.depth[i] == 0 and line.kinds[i] == "op" and line.texts[i] not in "|.[]()"
        ]
        if not annotation or others or not bars:
            raise _Bail
        # An annotation split by more than one operator, or not ending in a bracket:
        # black keeps its (invisible) parentheses.
        return [
            indent + line.piece(0, value) + " (",
            *_lay(line, value, count, inner, "", True),
            indent + ")",
        ]
    target_brackets = any(line.texts[i] in _OPENING for i in range(value))
    if not any(line.texts[i] in _OPENING for i in range(value, count)):
        body = line.piece(value, count)
        if _fits(inner + body):
            return [indent + line.piece(0, value) + " (", inner + body, indent + ")"]
        if target_brackets:
            raise _Bail
        return [indent + line.piece(0, count)]
    if line.texts[-1] not in _CLOSING:
        raise _Bail
    head_end = line.match[count - 1]
    head = line.piece(0, head_end + 1)
    if line.is_atom(head_end) and head_end != value:
        raise _Bail
    if not _fits(indent + head):
        raise _Bail
    return [indent + head, *_body(line, head_end, count - 1, indent), indent + line.texts[-1]]


_normalize_string_quotes: Callable[[str], str]

_SUSPECT = re.compile(r",\s*[)\]}]|'")


def prelayout(text: str) -> str:
    """``text`` with its long one-line statements split as black would split them.

    Needs black (whose own rule for string quotes it applies); without it, returns
    ``text`` unchanged.
    """
    global _normalize_string_quotes
    try:
        from black.strings import normalize_string_quotes
    except ImportError:
        return text
    _normalize_string_quotes = normalize_string_quotes
    result: list[str] = []
    in_docstring = False
    blank = 0  # blank lines not yet written: black keeps at most 2 (1 when indented)
    frozen = False  # within ``# fmt: off`` ... ``# fmt: on``, which black leaves alone
    for line in text.split("\n"):
        if "fmt:" in line:
            directive = line.strip()
            if directive not in ("# fmt: off", "# fmt: on"):
                return text  # ``fmt: skip`` and the like: not laid out here
            frozen = directive == "# fmt: off"
        elif frozen:
            result.extend([""] * blank)
            blank = 0
            result.append(line)
            continue
        if not in_docstring and not line.strip():
            blank += 1
            continue
        if blank:
            if not in_docstring:
                blank = min(blank, 1 if line.startswith(" ") else 2)
            result.extend([""] * blank)
            blank = 0
        quotes = line.count('"""') + line.count("'''")
        if in_docstring or quotes:
            result.append(line)
            if quotes % 2:
                in_docstring = not in_docstring
            continue
        if len(line) <= LINE_LENGTH and not _SUSPECT.search(line):
            result.append(line)
            continue
        source = line.lstrip(" ")
        indent = line[: len(line) - len(source)]
        if source.startswith("#") or line.rstrip() != line:
            result.append(line)
            continue
        try:
            result.extend(_statement(source, indent))
        except (_Bail, ValueError, IndexError):
            result.append(line)
    # Black ends a file with one newline.
    return "\n".join(result) + "\n" if result else text
