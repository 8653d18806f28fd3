"""Deliberate mistakes: tests/test_typed_mypy.py runs mypy over this file and expects an
error on each line marked ``# error: <code>`` (and none elsewhere). Never imported."""

from __future__ import annotations

from dicomstd.generated.classes.basic_text_sr import BasicTextSR, CodeSequenceMacro
from dicomstd.generated.classes.ct_image import CTImage

ct = CTImage(patient_name="Doe^Jane", rows=64)

# A wrong value type, in the constructor and in an assignment.
CTImage(rows="64")  # error: arg-type
ct.Rows = "64"  # error: assignment
ct.PixelSpacing = {"row": 0.5}  # error: assignment

# A misspelled Keyword: a constructor argument, an assignment, a read.
CTImage(patinet_name="Doe^Jane")  # error: call-arg
ct.PatinetName = "Doe^Jane"  # error: assignment
name = ct.PatinetName  # error: attr-defined

# An Enumerated Value that is not one of the standard's.
CTImage(patient_sex="X")  # error: arg-type
ct.PatientSex = "female"  # error: assignment
BasicTextSR(completion_flag="DONE")  # error: arg-type

# An empty value for a Type 1 Attribute.
CTImage(rows=None)  # error: arg-type

# A Sequence Item of the wrong class.
BasicTextSR(concept_name_code_sequence=[ct])  # error: list-item

# What reading gives is typed too.
family: int = ct.PatientName.family_name  # error: assignment
rows: str = ct.Rows  # error: assignment

# Correct uses: no error expected below.
code = CodeSequenceMacro(
    code_value="121071", coding_scheme_designator="DCM", code_meaning="Finding"
)
report = BasicTextSR(concept_name_code_sequence=[code], completion_flag="COMPLETE")
ct.PatientSex = "O"
ct.Rows = 512
spacing = ct.PixelSpacing
meaning: str = report.ConceptNameCodeSequence[0].CodeMeaning
