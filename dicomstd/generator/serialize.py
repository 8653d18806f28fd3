"""Plain data (dicts, lists, strings, numbers) from the compiled models, for JSON.

Dataclasses become objects with their fields in declaration order; a field whose metadata
says ``{"json": False}`` (a value derived from others) is left out. Members of a union, such
as the entries of an attribute table, carry their class name under ``"entry"``, so that a
reader of the JSON tells an include from an attribute without guessing from the keys.
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["plain", "tag_with_class"]

_TAGGED: set[type] = set()


def tag_with_class(*classes: type) -> None:
    """Mark ``classes`` as union members: their objects carry ``"entry": "<class name>"``."""
    _TAGGED.update(classes)


def plain(value: Any) -> Any:
    """Return ``value`` as JSON-ready plain data (see the module docstring)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        result = {
            item.name: plain(getattr(value, item.name))
            for item in dataclasses.fields(value)
            if item.metadata.get("json", True)
        }
        if type(value) in _TAGGED:
            result = {"entry": type(value).__name__, **result}
        return result
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value
