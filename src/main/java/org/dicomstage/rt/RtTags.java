package org.dicomstage.rt;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;

import org.dicomstage.dicom.DicomTags;

/**
 * The DICOM attributes the RT tree reads, named by their DICOM keywords.
 *
 * <p>Debian's PixelMed ships a {@link TagFromName} without most radiotherapy keywords, so those are looked
 * up by keyword in PixelMed's own dictionary. A keyword the dictionary does not know fails class
 * initialisation: a misspelt keyword must not turn into a reference that silently never matches.
 */
final class RtTags {

    static final AttributeTag SOPInstanceUID = TagFromName.SOPInstanceUID;
    static final AttributeTag SOPClassUID = TagFromName.SOPClassUID;
    static final AttributeTag SeriesInstanceUID = TagFromName.SeriesInstanceUID;
    static final AttributeTag SeriesDescription = TagFromName.SeriesDescription;
    static final AttributeTag SeriesNumber = TagFromName.SeriesNumber;
    static final AttributeTag Modality = TagFromName.Modality;
    static final AttributeTag ReferencedSOPInstanceUID = TagFromName.ReferencedSOPInstanceUID;
    static final AttributeTag ReferencedImageSequence = TagFromName.ReferencedImageSequence;
    static final AttributeTag ReferencedSeriesSequence = TagFromName.ReferencedSeriesSequence;
    static final AttributeTag ReferencedInstanceSequence = TagFromName.ReferencedInstanceSequence;
    static final AttributeTag RTPlanLabel = TagFromName.RTPlanLabel;
    static final AttributeTag RTPlanName = TagFromName.RTPlanName;
    static final AttributeTag StructureSetLabel = TagFromName.StructureSetLabel;
    static final AttributeTag DoseSummationType = TagFromName.DoseSummationType;

    static final AttributeTag ApprovalStatus = byKeyword("ApprovalStatus");
    static final AttributeTag StructureSetName = byKeyword("StructureSetName");
    static final AttributeTag ReferencedFrameOfReferenceSequence = byKeyword("ReferencedFrameOfReferenceSequence");
    static final AttributeTag RTReferencedStudySequence = byKeyword("RTReferencedStudySequence");
    static final AttributeTag RTReferencedSeriesSequence = byKeyword("RTReferencedSeriesSequence");
    static final AttributeTag ContourImageSequence = byKeyword("ContourImageSequence");
    static final AttributeTag ROIContourSequence = byKeyword("ROIContourSequence");
    static final AttributeTag ContourSequence = byKeyword("ContourSequence");
    static final AttributeTag ReferencedStructureSetSequence = byKeyword("ReferencedStructureSetSequence");
    static final AttributeTag ReferencedRTPlanSequence = byKeyword("ReferencedRTPlanSequence");
    static final AttributeTag ReferencedTreatmentRecordSequence = byKeyword("ReferencedTreatmentRecordSequence");
    static final AttributeTag RegistrationSequence = byKeyword("RegistrationSequence");
    static final AttributeTag DeformableRegistrationSequence = byKeyword("DeformableRegistrationSequence");
    static final AttributeTag StudiesContainingOtherReferencedInstancesSequence =
            byKeyword("StudiesContainingOtherReferencedInstancesSequence");

    private RtTags() {
    }

    private static AttributeTag byKeyword(String keyword) {
        return DicomTags.byKeyword(keyword);
    }
}
