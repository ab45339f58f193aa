/**
 * {@link org.dicomstage.dicom.DicomNode}: query, retrieve, store and echo against an archive, with
 * adapters for DIMSE (PixelMed SCU), DICOMweb, and an embedded archive (PixelMed SCP over a file store).
 */
package org.dicomstage.dicom;
