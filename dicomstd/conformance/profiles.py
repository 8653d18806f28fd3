"""The names a declaration may use for profiles and character sets, with where the standard
defines each.

No generated registry holds these (PS3.11 and PS3.15 are not compiled by ``dicomstd build``),
so they are committed here as identifiers, never as the standard's text:

- Security Profiles: the profile names of PS3.15 Annexes A to H (2024c), with their section
  and whether PS3.15 has retired them (``tests/test_conformance_profiles.py`` checks every
  name and retirement against the PS3.15 2024c publication where it is at hand).
- Attribute Confidentiality options: PS3.15 Section E.3 (2024c).
- Media Storage Application Profiles: identifiers of PS3.11 (no PS3.11 publication is at hand
  here; a well-formed identifier that is not listed is accepted with a warning).
- Specific Character Sets: the Defined Terms of PS3.3 Section C.12.1.1.2 (Tables C.12-2 to
  C.12-5), each with its IANA character set name (RFC 2978 registry, as PS3.2 Table N.1-15
  lists them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CHARACTER_SETS",
    "CharacterSet",
    "CONFIDENTIALITY_OPTIONS",
    "MEDIA_PROFILES",
    "SECURITY_PROFILES",
    "SecurityProfile",
    "media_profile_kind",
]


@dataclass(frozen=True, slots=True)
class SecurityProfile:
    """A profile of PS3.15: ``name``, ``section`` (``PS3.15 Section B.12``), ``category``
    (the PS3.2 Annex N table that lists it: ``secure-use``, ``transport``, ``signature``,
    ``media``, ``confidentiality``, ``network``), ``retired``."""

    name: str
    section: str
    category: str
    retired: bool = False


def _p(name: str, section: str, category: str, retired: bool = False) -> SecurityProfile:
    return SecurityProfile(name, f"PS3.15 Section {section}", category, retired)


SECURITY_PROFILES: dict[str, SecurityProfile] = {
    p.name: p
    for p in (
        _p("Online Electronic Storage Secure Use Profile", "A.1", "secure-use"),
        _p("Basic Digital Signatures Secure Use Profile", "A.2", "secure-use"),
        _p("Bit-preserving Digital Signatures Secure Use Profile", "A.3", "secure-use"),
        _p("Basic SR Digital Signatures Secure Use Profile", "A.4", "secure-use"),
        _p("Audit Trail Message Format Profile", "A.5", "secure-use"),
        _p("Audit Trail Message Transmission Profile - SYSLOG-TLS", "A.6", "secure-use"),
        _p("Audit Trail Message Transmission Profile - SYSLOG-UDP", "A.7", "secure-use"),
        _p("Basic TLS Secure Transport Connection Profile", "B.1", "transport", True),
        _p("ISCL Secure Transport Connection Profile", "B.2", "transport", True),
        _p("AES TLS Secure Transport Connection Profile", "B.3", "transport", True),
        _p("Basic User Identity Association Profile", "B.4", "secure-use"),
        _p("User Identity Plus Passcode Association Profile", "B.5", "secure-use"),
        _p("Kerberos Identity Negotiation Association Profile", "B.6", "secure-use"),
        _p("Generic SAML Assertion Identity Negotiation Association Profile", "B.7", "secure-use"),
        _p("Secure Use of Email Transport", "B.8", "transport"),
        _p("BCP 195 TLS Secure Transport Connection Profile", "B.9", "transport", True),
        _p(
            "Non-Downgrading BCP 195 TLS Secure Transport Connection Profile",
            "B.10",
            "transport",
            True,
        ),
        _p(
            "Extended BCP 195 TLS Profile Secure Transport Connection Profile",
            "B.11",
            "transport",
            True,
        ),
        _p("BCP 195 RFC 8996, 9325 TLS Secure Transport Connection Profile", "B.12", "transport"),
        _p(
            "Modified BCP 195 RFC 8996, 9325 TLS Secure Transport Connection Profile",
            "B.13",
            "transport",
        ),
        _p("Creator RSA Digital Signature Profile", "C.2", "signature"),
        _p("Authorization RSA Digital Signature Profile", "C.3", "signature"),
        _p("Structured Report RSA Digital Signature Profile", "C.4", "signature"),
        _p("Basic DICOM Media Security Profile", "D.1", "media"),
        _p("Basic Application Level Confidentiality Profile", "E.2", "confidentiality"),
        _p("Basic Network Address Management Profile", "F.1", "network"),
        _p("Basic Time Synchronization Profile", "G.1", "network"),
        _p("Application Configuration Management Profile", "H.1", "network"),
    )
}
"""Profile name → its entry (PS3.15 2024c)."""

CONFIDENTIALITY_OPTIONS: dict[str, str] = {
    "Clean Pixel Data Option": "PS3.15 Section E.3.1",
    "Clean Recognizable Visual Features Option": "PS3.15 Section E.3.2",
    "Clean Graphics Option": "PS3.15 Section E.3.3",
    "Clean Structured Content Option": "PS3.15 Section E.3.4",
    "Clean Descriptors Option": "PS3.15 Section E.3.5",
    "Retain Longitudinal Temporal Information with Full Dates Option": "PS3.15 Section E.3.6",
    "Retain Longitudinal Temporal Information with Modified Dates Option": "PS3.15 Section E.3.6",
    "Retain Patient Characteristics Option": "PS3.15 Section E.3.7",
    "Retain Device Identity Option": "PS3.15 Section E.3.8",
    "Retain UIDs Option": "PS3.15 Section E.3.9",
    "Retain Safe Private Option": "PS3.15 Section E.3.10",
    "Retain Institution Identity Option": "PS3.15 Section E.3.11",
}
"""The options of the Basic Application Level Confidentiality Profile (PS3.15 E.3, 2024c)."""

MEDIA_PROFILES: frozenset[str] = frozenset(
    {
        # General Purpose CD-R, DVD, USB, Compact Flash and Blu-ray interchange (PS3.11).
        "STD-GEN-CD",
        "STD-GEN-SEC-CD",
        "STD-GEN-DVD-JPEG",
        "STD-GEN-DVD-J2K",
        "STD-GEN-SEC-DVD-JPEG",
        "STD-GEN-SEC-DVD-J2K",
        "STD-GEN-USB-JPEG",
        "STD-GEN-USB-J2K",
        "STD-GEN-SEC-USB-JPEG",
        "STD-GEN-SEC-USB-J2K",
        "STD-GEN-MIC-JPEG",
        "STD-GEN-MIC-J2K",
        "STD-GEN-SEC-MIC-JPEG",
        "STD-GEN-SEC-MIC-J2K",
        "STD-GEN-BD-JPEG",
        "STD-GEN-BD-J2K",
        # Modality-specific interchange (PS3.11).
        "STD-CTMR-CD",
        "STD-CTMR-DVD",
        "STD-XABC-CD",
        "STD-XA1K-CD",
        "STD-XA1K-DVD",
    }
)
"""Media Storage Application Profile identifiers of PS3.11 that this table knows (those PS3.2
Table N.1-12 shows are among them); PS3.11 defines more, which a declaration may use with a
warning."""

_PROFILE_ID = re.compile(r"^(STD|AUG|PRI)-[A-Z0-9]+(-[A-Z0-9]+)*$")


def media_profile_kind(identifier: str) -> str | None:
    """``standard`` (``STD-``), ``augmented`` (``AUG-``) or ``private`` (``PRI-``), as
    PS3.2 Section 7.4 names the kinds of Application Profiles; ``None`` where
    ``identifier`` has not the form of one."""
    match = _PROFILE_ID.match(identifier)
    if match is None:
        return None
    return {"STD": "standard", "AUG": "augmented", "PRI": "private"}[match.group(1)]


@dataclass(frozen=True, slots=True)
class CharacterSet:
    """A Defined Term of Specific Character Set (0008,0005): ``term`` (``ISO_IR 100``),
    ``iana`` (``ISO-8859-1``, ``""`` for code-extension terms IANA does not name),
    ``description``, ``group`` (the PS3.2 Table N.1-15 subsection)."""

    term: str
    iana: str
    description: str
    group: str


_SB, _SBX = (
    "Single-Byte Character Sets without Code Extensions",
    "Single-Byte Character Sets with Code Extensions",
)
_MB, _MBX = (
    "Multi-Byte Character Sets without Code Extensions",
    "Multi-Byte Character Sets with Code Extensions",
)

_SINGLE = (
    ("100", "ISO-8859-1", "Latin alphabet No. 1"),
    ("101", "ISO-8859-2", "Latin alphabet No. 2"),
    ("109", "ISO-8859-3", "Latin alphabet No. 3"),
    ("110", "ISO-8859-4", "Latin alphabet No. 4"),
    ("144", "ISO-8859-5", "Cyrillic"),
    ("127", "ISO-8859-6", "Arabic"),
    ("126", "ISO-8859-7", "Greek"),
    ("138", "ISO-8859-8", "Hebrew"),
    ("148", "ISO-8859-9", "Latin alphabet No. 5"),
    ("203", "ISO-8859-15", "Latin alphabet No. 9"),
    ("13", "JIS_X0201", "Japanese"),
    ("166", "TIS-620", "Thai"),
)

CHARACTER_SETS: dict[str, CharacterSet] = {
    c.term: c
    for c in (
        CharacterSet("ISO_IR 6", "US-ASCII", "Default repertoire", _SB),
        *(CharacterSet(f"ISO_IR {n}", iana, text, _SB) for n, iana, text in _SINGLE),
        CharacterSet("ISO 2022 IR 6", "", "Default repertoire", _SBX),
        *(CharacterSet(f"ISO 2022 IR {n}", "", text, _SBX) for n, _, text in _SINGLE),
        CharacterSet("ISO_IR 192", "UTF-8", "Unicode in UTF-8", _MB),
        CharacterSet("GB18030", "GB18030", "GB 18030", _MB),
        CharacterSet("GBK", "GBK", "GBK", _MB),
        CharacterSet("ISO 2022 IR 87", "ISO-2022-JP", "Japanese (JIS X 0208, Kanji)", _MBX),
        CharacterSet(
            "ISO 2022 IR 159", "ISO-2022-JP-1", "Japanese (JIS X 0212, supplementary Kanji)", _MBX
        ),
        CharacterSet("ISO 2022 IR 149", "ISO-2022-KR", "Korean (KS X 1001)", _MBX),
        CharacterSet("ISO 2022 IR 58", "ISO-2022-CN", "Simplified Chinese (GB 2312)", _MBX),
    )
}
"""Defined Term → :class:`CharacterSet` (PS3.3 C.12.1.1.2, 2024c); ``ISO_IR 6`` stands, as in
PS3.2 Table N.1-15, for the default repertoire (Specific Character Set absent)."""
