package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;

class DicomJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Shaped like Orthanc's WADO-RS metadata of an RTDOSE (trimmed). */
    private static final String DOSE = """
            {
              "00080005": {"vr": "CS", "Value": ["ISO_IR 100"]},
              "00080016": {"vr": "UI", "Value": ["1.2.840.10008.5.1.4.1.1.481.2"]},
              "00080018": {"vr": "UI", "Value": ["2.16.840.1.114337.1.1.1535997926.2"]},
              "00080020": {"vr": "DA"},
              "00100010": {"vr": "PN", "Value": [{"Alphabetic": "Becker^Matthew"}]},
              "00181030": {"vr": "LO", "Value": [null]},
              "00200037": {"vr": "DS", "Value": [1, 0, 0, 0, 1.5, -0.25]},
              "00280008": {"vr": "IS", "Value": [3]},
              "00280009": {"vr": "AT", "Value": ["3004000C"]},
              "00280010": {"vr": "US", "Value": [44]},
              "3004000E": {"vr": "DS", "Value": [0.00130238]},
              "300A0086": {"vr": "FD", "Value": [1.25]},
              "00291010": {"vr": "OB", "InlineBinary": "AQID"},
              "300C0002": {"vr": "SQ", "Value": [
                 {"00081150": {"vr": "UI", "Value": ["1.2.840.10008.5.1.4.1.1.481.5"]},
                  "00081155": {"vr": "UI", "Value": ["2.16.840.1.114337.1.1.1535997926.0"]},
                  "300C0020": {"vr": "SQ", "Value": [{"300C0022": {"vr": "IS", "Value": [1]}}]}}]},
              "300C0060": {"vr": "SQ"},
              "7FE00010": {"vr": "OW", "BulkDataURI": "http://localhost/dicom-web/studies/1/series/2/instances/3/bulk/7fe00010"}
            }
            """;

    @Test
    void convertsValuesSequencesAndSkipsBulkData() throws Exception {
        AttributeList list = DicomJson.toAttributeList(JSON.readTree(DOSE));

        assertThat(string(list, TagFromName.SOPInstanceUID)).isEqualTo("2.16.840.1.114337.1.1.1535997926.2");
        assertThat(string(list, TagFromName.PatientName)).isEqualTo("Becker^Matthew");
        assertThat(list.get(TagFromName.StudyDate)).isNotNull();
        assertThat(list.get(TagFromName.StudyDate).getVM()).isZero();
        assertThat(list.get(TagFromName.ImageOrientationPatient).getDoubleValues())
                .containsExactly(1, 0, 0, 0, 1.5, -0.25);
        assertThat(Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 0)).isEqualTo(3);
        assertThat(Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0)).isEqualTo(44);
        assertThat(((com.pixelmed.dicom.AttributeTagAttribute) list.get(TagFromName.FrameIncrementPointer)).getAttributeTagValues())
                .containsExactly(DicomJson.tag("GridFrameOffsetVector"));
        assertThat(list.get(DicomJson.tag("DoseGridScaling")).getDoubleValues()).containsExactly(0.00130238);
        assertThat(list.get(new AttributeTag(0x0029, 0x1010)).getByteValues()).containsExactly(1, 2, 3);
        assertThat(list.get(TagFromName.PixelData)).isNull();

        SequenceAttribute plans = (SequenceAttribute) list.get(DicomJson.tag("ReferencedRTPlanSequence"));
        assertThat(plans.getNumberOfItems()).isEqualTo(1);
        AttributeList plan = plans.getItem(0).getAttributeList();
        assertThat(string(plan, TagFromName.ReferencedSOPInstanceUID)).isEqualTo("2.16.840.1.114337.1.1.1535997926.0");
        SequenceAttribute fractionGroups = (SequenceAttribute) plan.get(DicomJson.tag("ReferencedFractionGroupSequence"));
        assertThat(Attribute.getSingleIntegerValueOrDefault(fractionGroups.getItem(0).getAttributeList(),
                DicomJson.tag("ReferencedFractionGroupNumber"), 0)).isEqualTo(1);
        assertThat(((SequenceAttribute) list.get(DicomJson.tag("ReferencedStructureSetSequence"))).getNumberOfItems())
                .isZero();
    }

    @Test
    void personNameKeepsComponentGroups() throws Exception {
        JsonNode node = JSON.readTree("""
                {"00100010": {"vr": "PN", "Value": [{"Alphabetic": "Yamada^Tarou", "Ideographic": "山田^太郎"}]},
                 "00080005": {"vr": "CS", "Value": ["ISO 2022 IR 87"]}}
                """);
        AttributeList list = DicomJson.toAttributeList(node);

        assertThat(string(list, TagFromName.PatientName)).isEqualTo("Yamada^Tarou=山田^太郎");
        assertThat(DicomJson.string(node, TagFromName.PatientName)).isEqualTo("Yamada^Tarou");
    }

    @Test
    void queryHelpers() throws Exception {
        JsonNode study = JSON.readTree("""
                {"00080061": {"vr": "CS", "Value": ["CT", "RTPLAN"]},
                 "00201208": {"vr": "IS", "Value": [8]},
                 "00081030": {"vr": "LO"}}
                """);

        assertThat(DicomJson.key(TagFromName.StudyInstanceUID)).isEqualTo("0020000D");
        assertThat(DicomJson.strings(study, TagFromName.ModalitiesInStudy)).containsExactly("CT", "RTPLAN");
        assertThat(DicomJson.integer(study, TagFromName.NumberOfStudyRelatedInstances, -1)).isEqualTo(8);
        assertThat(DicomJson.integer(study, TagFromName.NumberOfStudyRelatedSeries, -1)).isEqualTo(-1);
        assertThat(DicomJson.string(study, TagFromName.StudyDescription)).isEmpty();
        assertThat(DicomJson.items(study, TagFromName.ReferencedSOPSequence)).isEmpty();
    }

    private static String string(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
