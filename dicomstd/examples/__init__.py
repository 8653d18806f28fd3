"""Examples of the typed IOD classes (:mod:`dicomstd.generated.classes`): each module has a
function that builds a complete instance from scratch, and writes it to a file when run::

    python -m dicomstd.examples.ct_image out.dcm

- :func:`dicomstd.examples.ct_image.ct_image`: a CT Image with pixel data;
- :func:`dicomstd.examples.secondary_capture.secondary_capture`: a Secondary Capture Image;
- :func:`dicomstd.examples.basic_text_sr.basic_text_sr`: a Basic Text SR with a small
  content tree;
- :func:`dicomstd.examples.encapsulated_pdf.encapsulated_pdf`: an Encapsulated PDF.
"""

from __future__ import annotations

__all__ = ["basic_text_sr", "ct_image", "encapsulated_pdf", "secondary_capture"]
