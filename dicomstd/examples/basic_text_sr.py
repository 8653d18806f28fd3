"""A Basic Text SR from scratch: a CONTAINER with a TEXT finding and a CODE impression."""

from __future__ import annotations

from dicomstd.generated.classes.basic_text_sr import (
    BasicTextSR,
    CodeSequenceMacro,
    DocumentRelationship_ContentSequenceItem,
)


def _code(value: str, scheme: str, meaning: str) -> CodeSequenceMacro:
    return CodeSequenceMacro(
        code_value=value, coding_scheme_designator=scheme, code_meaning=meaning
    )


def basic_text_sr() -> BasicTextSR:
    """A complete Basic Text SR: root CONTAINER "Imaging Report" holding two Items."""
    finding = DocumentRelationship_ContentSequenceItem(
        relationship_type="CONTAINS",
        value_type="TEXT",
        concept_name_code_sequence=[_code("121071", "DCM", "Finding")],
        text_value="No acute abnormality.",
    )
    impression = DocumentRelationship_ContentSequenceItem(
        relationship_type="CONTAINS",
        value_type="CODE",
        concept_name_code_sequence=[_code("121073", "DCM", "Impression")],
        concept_code_sequence=[_code("17621005", "SCT", "Normal")],
    )
    report = BasicTextSR(
        patient_name="Doe^Jane",
        patient_id="DICOMSTD-0004",
        patient_birth_date="19700101",
        patient_sex="F",
        study_date="20240104",
        study_time="080000",
        referring_physician_name="",
        study_id="4",
        accession_number="",
        modality="SR",
        series_number=1,
        referenced_performed_procedure_step_sequence=[],
        manufacturer="dicomstd",
        instance_number=1,
        completion_flag="COMPLETE",
        verification_flag="UNVERIFIED",
        content_date="20240104",
        content_time="080000",
        performed_procedure_code_sequence=[],
        value_type="CONTAINER",
        concept_name_code_sequence=[_code("18748-4", "LN", "Diagnostic imaging report")],
        continuity_of_content="SEPARATE",
        content_sequence=[finding, impression],
    )
    return report.new_uids()


if __name__ == "__main__":
    from dicomstd.examples._write import write

    write(basic_text_sr(), "basic_text_sr.dcm")
