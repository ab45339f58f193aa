/**
 * {@link org.dicomstage.dicom.DicomNode}: query, retrieve, store and echo against an archive, with
 * adapters for DIMSE ({@link org.dicomstage.dicom.DimseNode}, PixelMed SCUs on associations opened with
 * TCP_NODELAY), DICOMweb, and an embedded archive ({@link org.dicomstage.dicom.EmbeddedArchive}, a PixelMed
 * SCP over a file store, reached in-process through {@link org.dicomstage.dicom.EmbeddedNode}).
 * {@link org.dicomstage.dicom.DicomNodes} builds the adapter a node's kind calls for;
 * {@link org.dicomstage.dicom.MoveReceiver} is our storage SCP for C-MOVE.
 */
package org.dicomstage.dicom;
