package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;

import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.junit.jupiter.api.Test;
import org.dicomstage.testing.SharedData;

/** The residue scan is what stands between a leak and a green verification: it must see everywhere. */
class SeriesVerifierTest {

    private static final String SOURCE_STUDY = SharedData.RT_STUDY_UID;
    private static final String CT_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.2";

    @Test
    void aRetiredClassUidInAStudyReferenceIsNoIdentifier() throws Exception {
        AttributeList source = new AttributeList();
        put(source, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPClassUID), "1.2.840.10008.3.1.2.3.2");
        put(source, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPInstanceUID), SOURCE_STUDY);

        SeriesVerifier.Identifiers identifiers = new SeriesVerifier.Identifiers();
        SeriesVerifier.collectIdentifiers(source, identifiers);

        assertThat(identifiers.uids()).containsExactly(SOURCE_STUDY);
    }

    @Test
    void aDeviceUidThatRetainDeviceIdentityKeepsIsNoResidueButOtherwiseIs() throws Exception {
        // A scanner's Device UID (0018,1002): rt-research retains device identity, so the copy carries it on
        // purpose; verification failed every such copy as "source identifier left" before.
        AttributeList source = new AttributeList();
        put(source, new UniqueIdentifierAttribute(TagFromName.DeviceUID), "1.2.826.0.1.3680043.9.7.1");
        put(source, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), SOURCE_STUDY);

        SeriesVerifier.Identifiers research = new SeriesVerifier.Identifiers();
        SeriesVerifier.collectIdentifiers(source, research, PseudonymizationProfile.builtin("rt-research")::keepsUid);
        SeriesVerifier.Identifiers basic = new SeriesVerifier.Identifiers();
        SeriesVerifier.collectIdentifiers(source, basic, PseudonymizationProfile.builtin("basic")::keepsUid);

        assertThat(research.uids()).containsExactly(SOURCE_STUDY);
        assertThat(basic.uids()).containsExactlyInAnyOrder(SOURCE_STUDY, "1.2.826.0.1.3680043.9.7.1");
    }

    @Test
    void collectsNamesIdsAndInstanceUidsButNotStandardUids() throws Exception {
        AttributeList source = new AttributeList();
        put(source, new PersonNameAttribute(TagFromName.PatientName), "Becker^Matthew");
        put(source, new LongStringAttribute(TagFromName.PatientID), "HNC-0522c0009");
        put(source, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), SOURCE_STUDY);
        put(source, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), CT_SOP_CLASS);

        SeriesVerifier.Identifiers identifiers = new SeriesVerifier.Identifiers();
        SeriesVerifier.collectIdentifiers(source, identifiers);

        assertThat(identifiers.values()).contains("Becker^Matthew", "HNC-0522c0009");
        assertThat(identifiers.nameParts()).contains("becker", "matthew");
        assertThat(identifiers.uids()).containsExactly(SOURCE_STUDY);
    }

    @Test
    void findsResiduesInNestedSequencesPrivateBytesAndFreeText() throws Exception {
        AttributeList target = new AttributeList();
        put(target, new PersonNameAttribute(TagFromName.PatientName), "HN-RT-01");
        AttributeList item = new AttributeList();
        put(item, new PersonNameAttribute(TagFromName.ReferringPhysicianName), "BECKER^M");
        SequenceAttribute sequence = new SequenceAttribute(TagFromName.ReferencedStudySequence);
        sequence.addItem(item);
        target.put(sequence);
        put(target, new LongStringAttribute(TagFromName.StudyDescription), "copy of " + SOURCE_STUDY + " for RT");
        OtherByteAttribute privateBytes = new OtherByteAttribute(new AttributeTag(0x0013, 0x1010));
        privateBytes.setValues("xxHNC-0522c0009xx".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        target.put(privateBytes);

        List<SeriesVerifier.Residue> residues = SeriesVerifier.findResidues(target,
                identifiers(Set.of("HNC-0522c0009"), Set.of("becker")));

        assertThat(residues).extracting(SeriesVerifier.Residue::path)
                .containsExactlyInAnyOrder("ReferencedStudySequence[0].ReferringPhysicianName", "StudyDescription",
                        "(0x0013,0x1010)");
    }

    @Test
    void aCleanCopyHasNoResidues() throws Exception {
        AttributeList target = new AttributeList();
        put(target, new PersonNameAttribute(TagFromName.PatientName), "HN-RT-01");
        put(target, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), "2.25.1234567890");
        put(target, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), CT_SOP_CLASS);

        assertThat(SeriesVerifier.findResidues(target, identifiers(Set.of("Becker^Matthew"), Set.of("becker", "matthew")))).isEmpty();
    }

    @Test
    void aPatientNamedLikeAnOptionOfTheProfileIsNotFoundInTheMethodTheCopyDeclares() throws Exception {
        AttributeList target = new AttributeList();
        put(target, new LongStringAttribute(TagFromName.DeidentificationMethod), "DICOM PS3.15 E.1-1 Basic Profile");
        SequenceAttribute methods = new SequenceAttribute(TagFromName.DeidentificationMethodCodeSequence);
        AttributeList code = new AttributeList();
        put(code, new LongStringAttribute(TagFromName.CodeMeaning), "Retain Safe Private Option");
        methods.addItem(code);
        target.put(methods);
        put(target, new LongStringAttribute(TagFromName.StudyDescription), "Private follow-up, HNC-0522c0009");

        List<SeriesVerifier.Residue> residues = SeriesVerifier.findResidues(target,
                identifiers(Set.of("HNC-0522c0009"), Set.of("private", "basic")));

        assertThat(residues).as("the name is still found where the source's text went, not in the method")
                .extracting(SeriesVerifier.Residue::path).containsExactly("StudyDescription");
    }

    @Test
    void aNamePartCountsAsAWordNotInsideOtherWords() throws Exception {
        AttributeList target = new AttributeList();
        put(target, new LongStringAttribute(TagFromName.Manufacturer), "DemoCorp Linacs");
        put(target, new LongStringAttribute(TagFromName.StudyDescription), "plan reviewed by demo");

        List<SeriesVerifier.Residue> residues = SeriesVerifier.findResidues(target,
                identifiers(Set.of(), Set.of("demo")));

        assertThat(residues).extracting(SeriesVerifier.Residue::path).containsExactly("StudyDescription");
    }

    private static SeriesVerifier.Identifiers identifiers(Set<String> values, Set<String> nameParts) {
        return new SeriesVerifier.Identifiers(new HashSet<>(values), new HashSet<>(nameParts),
                new HashSet<>(Set.of(SOURCE_STUDY)));
    }

    private static void put(AttributeList list, com.pixelmed.dicom.Attribute attribute, String value) throws Exception {
        attribute.addValue(value);
        list.put(attribute);
    }
}
