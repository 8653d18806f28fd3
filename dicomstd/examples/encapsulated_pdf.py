"""An Encapsulated PDF from scratch: a one-page PDF written here, encapsulated."""

from __future__ import annotations

from dicomstd.generated.classes.encapsulated_pdf import CodeSequenceMacro, EncapsulatedPDF


def minimal_pdf(text: str = "dicomstd") -> bytes:
    """A valid one-page PDF 1.4 showing ``text`` (cross-reference offsets computed)."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    document = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    document += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    document += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        start,
    )
    return bytes(document)


def encapsulated_pdf() -> EncapsulatedPDF:
    """A complete Encapsulated PDF instance."""
    pdf = minimal_pdf()
    if len(pdf) % 2:
        pdf += b"\x00"  # OB Values have even length; PS3.3 C.24.2.1 allows the padding
    document = EncapsulatedPDF(
        patient_name="Doe^Jane",
        patient_id="DICOMSTD-0003",
        patient_birth_date="19700101",
        patient_sex="F",
        study_date="20240103",
        study_time="101500",
        referring_physician_name="",
        study_id="3",
        accession_number="",
        modality="DOC",
        series_number=1,
        manufacturer="dicomstd",
        conversion_type="WSD",
        instance_number=1,
        content_date="20240103",
        content_time="101500",
        acquisition_date_time="20240103101500",
        burned_in_annotation="YES",
        document_title="dicomstd example",
        concept_name_code_sequence=[
            CodeSequenceMacro(
                code_value="18748-4",
                coding_scheme_designator="LN",
                code_meaning="Diagnostic imaging study",
            )
        ],
        mime_type_of_encapsulated_document="application/pdf",
        encapsulated_document=pdf,
        encapsulated_document_length=len(minimal_pdf()),
    )
    return document.new_uids()


if __name__ == "__main__":
    from dicomstd.examples._write import write

    write(encapsulated_pdf(), "encapsulated_pdf.dcm")
