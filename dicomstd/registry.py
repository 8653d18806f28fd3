"""Look up UIDs, Transfer Syntaxes and Value Representations from the compiled registries.

Sources: PS3.6 Annex A (:mod:`dicomstd.generated.uids`), PS3.5 Section 10 and Annex A
(:mod:`dicomstd.generated.transfer_syntaxes`), PS3.5 Table 6.2-1
(:mod:`dicomstd.generated.value_representations`); each is loaded on first use.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dicomstd.generated.transfer_syntaxes import TransferSyntaxEntry
    from dicomstd.generated.uids import UIDEntry
    from dicomstd.generated.value_representations import ValueRepresentationEntry

__all__ = [
    "is_uid",
    "lookup_transfer_syntax",
    "lookup_uid",
    "lookup_uid_keyword",
    "lookup_value_representation",
]

# PS3.5 Section 9.1: components of digits, separated by ".", no leading zero, at most 64.
_UID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$")


def is_uid(text: str) -> bool:
    """True when ``text`` has the syntax of a UID (PS3.5 Section 9.1), at most 64 characters."""
    # A UID Value is padded to even length with one NUL (PS3.5 Section 9.1); tolerate it.
    text = text.rstrip("\x00 ")
    return len(text) <= 64 and _UID.match(text) is not None


def lookup_uid(uid: str) -> UIDEntry:
    """Return the registry's entry for ``uid``.

    Raises:
        KeyError: ``uid`` is not in the registry (PS3.6 Annex A).
    """
    from dicomstd.generated.uids import UID_REGISTRY

    try:
        return UID_REGISTRY[uid.rstrip("\x00 ")]
    except KeyError:
        raise KeyError(f"{uid} is not in the UID registry (PS3.6 Annex A)") from None


def lookup_uid_keyword(keyword: str) -> tuple[str, UIDEntry]:
    """Return ``(uid, entry)`` of the UID whose keyword is ``keyword`` (``CTImageStorage``).

    Raises:
        KeyError: no UID of the registry has that keyword.
    """
    from dicomstd.generated.uids import UID_REGISTRY

    for uid, entry in UID_REGISTRY.items():
        if entry.keyword == keyword:
            return uid, entry
    raise KeyError(f"{keyword!r} is not a keyword of the UID registry (PS3.6 Annex A)")


def lookup_transfer_syntax(uid: str) -> TransferSyntaxEntry:
    """Return the Transfer Syntax ``uid`` with its encoding.

    Raises:
        KeyError: ``uid`` is not a Transfer Syntax of PS3.5.
    """
    from dicomstd.generated.transfer_syntaxes import TRANSFER_SYNTAXES

    try:
        return TRANSFER_SYNTAXES[uid]
    except KeyError:
        raise KeyError(f"{uid} is not a Transfer Syntax (PS3.5 Section 10)") from None


def lookup_value_representation(code: str) -> ValueRepresentationEntry:
    """Return the Value Representation ``code`` (``"DA"``).

    Raises:
        KeyError: ``code`` is not a VR of PS3.5 Table 6.2-1.
    """
    from dicomstd.generated.value_representations import VALUE_REPRESENTATIONS

    try:
        return VALUE_REPRESENTATIONS[code]
    except KeyError:
        raise KeyError(f"{code!r} is not a VR (PS3.5 Table 6.2-1)") from None
