"""Editions of the standard: fetch NEMA's releases, pin them, rebuild from one, diff two.

- :mod:`.fetch`: ``dicomstd fetch`` downloads (or imports) the parts of an edition into
  ``standard_xml/<edition>/`` and records them in its ``fetched.json``;
- :mod:`.diff`: ``dicomstd diff`` compares two editions part by part with the extractors;
- :mod:`.report`: the diff as text, JSON or HTML;
- :mod:`.cli`: the click commands, registered by :mod:`dicomstd.cli`.
"""
