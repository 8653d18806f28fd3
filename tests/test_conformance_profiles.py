"""The committed profile and character set names of dicomstd.conformance.profiles, checked
against the standard where it is at hand (PS3.15 2024c) and against pydicom's codecs."""

from __future__ import annotations

import re

import pytest

from dicomstd.conformance.profiles import (
    CHARACTER_SETS,
    CONFIDENTIALITY_OPTIONS,
    SECURITY_PROFILES,
    media_profile_kind,
)


@pytest.mark.standard
def test_security_profiles_against_ps3_15() -> None:
    from document_factories import read_standard

    document = read_standard("2024c/part15.chtml.tar.xz")
    titles = {s.label: " ".join(s.title.split()) for s in document.sections.values()}
    for profile in SECURITY_PROFILES.values():
        number = profile.section.removeprefix("PS3.15 Section ")
        assert number in titles, profile
        title = titles[number]
        assert title.startswith(profile.name) or profile.name in title, (profile.name, title)
    for option, section in CONFIDENTIALITY_OPTIONS.items():
        number = section.removeprefix("PS3.15 Section ")
        words = re.sub(r"( with (Full|Modified) Dates)? Options?$", "", option)
        assert titles[number].startswith(words), (option, titles[number])


def test_character_sets_are_known_to_pydicom() -> None:
    from pydicom.charset import python_encoding

    for term in CHARACTER_SETS:
        if term == "ISO_IR 6":
            continue  # the default repertoire: Specific Character Set absent
        if term.endswith("IR 203"):
            continue  # Latin alphabet No. 9 (PS3.3 Table C.12-2, since 2017), which pydicom lacks
        assert term in python_encoding, term


@pytest.mark.parametrize(
    ("identifier", "kind"),
    [
        ("STD-GEN-CD", "standard"),
        ("AUG-GEN-DVD-J2K", "augmented"),
        ("PRI-ACME-USB", "private"),
        ("GEN-CD", None),
        ("std-gen-cd", None),
    ],
)
def test_media_profile_kinds(identifier: str, kind: str | None) -> None:
    assert media_profile_kind(identifier) == kind
