"""Line numbers of the keys and values of a TOML document, for messages that name the place.

:mod:`tomllib` returns plain data without positions, so this scans the text once more and
records, for every key and every array element, the 1-based line where it begins, by its path
in the parsed data: ``("application_entities", 0, "services", 2, "role")``. The text has
already been parsed by :mod:`tomllib`, so the scanner may assume it is valid TOML (TOML 1.0:
tables, arrays of tables, dotted and quoted keys, inline tables, arrays, the four kinds of
string); on anything it does not follow it stops, and the places it did not reach fall back
to their nearest recorded parent (see :meth:`Locations.line`).
"""

from __future__ import annotations

from typing import Union

__all__ = ["Locations", "PathKey", "locate"]

PathKey = Union[str, int]
Path = tuple[PathKey, ...]

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class Locations:
    """The lines of a document's keys and values (see :func:`locate`)."""

    def __init__(self, lines: dict[Path, int]) -> None:
        self._lines = lines

    def line(self, path: Path) -> int:
        """The line of ``path``, else of its nearest ancestor that has one, else 1."""
        path = tuple(path)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return 1

    def exact(self, path: Path) -> int | None:
        """The line of ``path`` itself, ``None`` where the scan recorded none."""
        return self._lines.get(tuple(path))


def locate(text: str) -> Locations:
    """Scan the TOML ``text`` and return where each key and array element begins."""
    scanner = _Scanner(text)
    try:
        scanner.document()
    except (_Stop, IndexError):
        pass  # what was recorded up to here stands
    return Locations(scanner.lines)


class _Stop(Exception):
    """The scanner met text it does not follow."""


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[Path, int] = {}
        self.table: Path = ()
        # Arrays of tables by their key path without indices → the index of their last element.
        self.arrays: dict[tuple[str, ...], int] = {}

    # -- characters -------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def line_number(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def skip_blank(self, newlines: bool) -> None:
        """Skip spaces, tabs, comments and (when ``newlines``) line breaks."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    # -- structure --------------------------------------------------------------------------

    def document(self) -> None:
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            if self.text.startswith("[[", self.pos):
                self.header(array=True)
            elif self.peek() == "[":
                self.header(array=False)
            else:
                self.key_value(self.table)

    def header(self, array: bool) -> None:
        line = self.line_number()
        self.pos += 2 if array else 1
        keys = self.key()
        self.skip_blank(newlines=False)
        closing = "]]" if array else "]"
        if not self.text.startswith(closing, self.pos):
            raise _Stop
        self.pos += len(closing)
        plain = tuple(keys)
        if array:
            self.arrays[plain] = self.arrays.get(plain, -1) + 1
            # A new element of this array starts its nested arrays of tables afresh.
            for other in [
                k for k in self.arrays if len(k) > len(plain) and k[: len(plain)] == plain
            ]:
                del self.arrays[other]
        path = self.resolve(plain)
        self.lines.setdefault(path[:-1] if array else path, line)
        self.lines[path] = line
        self.table = path

    def resolve(self, keys: tuple[str, ...]) -> Path:
        """The data path of a header's keys: each prefix that is an array of tables stands for
        its last element."""
        path: list[PathKey] = []
        for count in range(1, len(keys) + 1):
            path.append(keys[count - 1])
            if keys[:count] in self.arrays:
                path.append(self.arrays[keys[:count]])
        return tuple(path)

    def key(self) -> list[str]:
        """A dotted key: bare, "basic" or 'literal' parts separated by dots."""
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            char = self.peek()
            if char == '"':
                parts.append(self.basic_string())
            elif char == "'":
                parts.append(self.literal_string())
            else:
                start = self.pos
                while self.peek() in _BARE and self.peek():
                    self.pos += 1
                if self.pos == start:
                    raise _Stop
                parts.append(self.text[start : self.pos])
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.pos += 1

    def key_value(self, base: Path) -> None:
        line = self.line_number()
        keys = self.key()
        self.skip_blank(newlines=False)
        if self.peek() != "=":
            raise _Stop
        self.pos += 1
        path = base
        for part in keys:
            path = (*path, part)
            self.lines.setdefault(path, line)
        self.lines[path] = line
        self.skip_blank(newlines=False)
        self.value(path)

    def value(self, path: Path) -> None:
        char = self.peek()
        if char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        elif self.text.startswith('"""', self.pos):
            self.multiline('"""')
        elif self.text.startswith("'''", self.pos):
            self.multiline("'''")
        elif char == '"':
            self.basic_string()
        elif char == "'":
            self.literal_string()
        else:
            start = self.pos
            while self.peek() and self.peek() not in ",]}\r\n#":
                self.pos += 1
            if self.pos == start:
                raise _Stop

    def array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_blank(newlines=True)
            if self.peek() == "]":
                self.pos += 1
                return
            self.lines[(*path, index)] = self.line_number()
            self.value((*path, index))
            index += 1
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                raise _Stop

    def inline_table(self, path: Path) -> None:
        self.pos += 1
        while True:
            self.skip_blank(newlines=False)
            if self.peek() == "}":
                self.pos += 1
                return
            self.key_value(path)
            self.skip_blank(newlines=False)
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise _Stop

    # -- strings ----------------------------------------------------------------------------

    def basic_string(self) -> str:
        self.pos += 1
        out: list[str] = []
        while True:
            char = self.peek()
            if not char or char == "\n":
                raise _Stop
            self.pos += 1
            if char == '"':
                return "".join(out)
            if char == "\\":
                escaped = self.peek()
                self.pos += 1
                # Keys rarely hold escapes; enough to match the common ones to the parsed key.
                out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(escaped, escaped))
            else:
                out.append(char)

    def literal_string(self) -> str:
        self.pos += 1
        end = self.text.find("'", self.pos)
        if end < 0:
            raise _Stop
        found = self.text[self.pos : end]
        self.pos = end + 1
        return found

    def multiline(self, quote: str) -> None:
        self.pos += 3
        while True:
            end = self.text.find(quote, self.pos)
            if end < 0:
                raise _Stop
            if quote == '"""' and self._escaped(end):
                self.pos = end + 1
                continue
            self.pos = end + 3
            # Up to two quotes may close the content just before the delimiter ("""a"""").
            while self.peek() == quote[0]:
                self.pos += 1
            return

    def _escaped(self, index: int) -> bool:
        backslashes = 0
        while index - 1 - backslashes >= 0 and self.text[index - 1 - backslashes] == "\\":
            backslashes += 1
        return backslashes % 2 == 1
