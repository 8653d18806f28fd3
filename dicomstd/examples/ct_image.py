"""A CT Image from scratch, with pixel data (a 64 × 64 gradient), as the typed class."""

from __future__ import annotations

from dicomstd.generated.classes.ct_image import CTImage


def ct_image() -> CTImage:
    """A complete CT Image: every Type 1 and 2 Attribute of its mandatory Modules."""
    rows, columns = 64, 64
    pixels = bytes(
        byte
        for value in ((r * columns + c) % 4096 for r in range(rows) for c in range(columns))
        for byte in value.to_bytes(2, "little")
    )
    ct = CTImage(
        # Patient, General Study
        patient_name="Doe^Jane",
        patient_id="DICOMSTD-0001",
        patient_birth_date="19700101",
        patient_sex="F",
        study_date="20240101",
        study_time="120000",
        referring_physician_name="",
        study_id="1",
        accession_number="",
        # General Series, Frame of Reference, General Equipment
        modality="CT",
        patient_position="HFS",
        series_number=1,
        position_reference_indicator="",
        manufacturer="dicomstd",
        # General Image, Image Plane
        instance_number=1,
        patient_orientation=None,
        content_date="20240101",
        content_time="120000",
        image_type=["ORIGINAL", "PRIMARY", "AXIAL"],
        image_laterality="U",
        pixel_spacing=[0.5, 0.5],
        image_orientation_patient=[1, 0, 0, 0, 1, 0],
        image_position_patient=[0, 0, 0],
        slice_thickness=1.0,
        # Image Pixel, CT Image
        samples_per_pixel=1,
        photometric_interpretation="MONOCHROME2",
        rows=rows,
        columns=columns,
        bits_allocated=16,
        bits_stored=12,
        high_bit=11,
        pixel_representation=0,
        rescale_intercept=-1024,
        rescale_slope=1,
        kvp=120,
        acquisition_number=1,
        pixel_data=pixels,
    )
    return ct.new_uids()


if __name__ == "__main__":
    from dicomstd.examples._write import write

    write(ct_image(), "ct_image.dcm")
