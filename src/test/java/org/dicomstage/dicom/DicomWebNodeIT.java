package org.dicomstage.dicom;

import static org.dicomstage.testing.DicomFiles.read;
import static org.dicomstage.testing.DicomFiles.sop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.testing.OrthancServer;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DicomWebNode} against a real Orthanc holding the RT fixture set. */
class DicomWebNodeIT {

    private static final String PATIENT_ID = SharedData.RT_PATIENT_ID;
    private static final String STUDY = SharedData.RT_STUDY_UID;
    private static final String CT_SERIES = SharedData.RT_CT_SERIES_UID;
    private static final String RS_SERIES = SharedData.RT_STRUCTURE_SET_SERIES_UID;
    private static final String RP_SERIES = SharedData.RT_PLAN_SERIES_UID;
    private static final String RD_SERIES = SharedData.RT_DOSE_SERIES_UID;
    private static final String RS_SOP = SharedData.RT_STRUCTURE_SET_SOP_UID;
    private static final String RP_SOP = SharedData.RT_PLAN_SOP_UID;
    private static final List<String> CT_SOPS = SharedData.RT_CT_SOP_UIDS;

    private static final AttributeTag APPROVAL_STATUS = DicomJson.tag("ApprovalStatus");
    private static final AttributeTag REFERENCED_STRUCTURE_SET_SEQUENCE = DicomJson.tag("ReferencedStructureSetSequence");
    private static final AttributeTag REFERENCED_RT_PLAN_SEQUENCE = DicomJson.tag("ReferencedRTPlanSequence");
    private static final AttributeTag REFERENCED_FRAME_OF_REFERENCE_SEQUENCE =
            DicomJson.tag("ReferencedFrameOfReferenceSequence");
    private static final AttributeTag RT_REFERENCED_STUDY_SEQUENCE = DicomJson.tag("RTReferencedStudySequence");
    private static final AttributeTag RT_REFERENCED_SERIES_SEQUENCE = DicomJson.tag("RTReferencedSeriesSequence");
    private static final AttributeTag CONTOUR_IMAGE_SEQUENCE = DicomJson.tag("ContourImageSequence");

    private static OrthancServer study0;
    private static DicomWebNode node;

    @BeforeAll
    static void startArchive() {
        study0 = OrthancServer.builder().aet("STUDY0").start();
        study0.uploadAll(SharedData.rtSet());
        node = new DicomWebNode(config("study0", study0.dicomWebUrl()));
    }

    @AfterAll
    static void stopArchive() {
        if (node != null) {
            node.close();
        }
        if (study0 != null) {
            study0.close();
        }
    }

    static DicomNodeConfig config(String name, String baseUrl) {
        return new DicomNodeConfig(name, DicomNodeConfig.Kind.DICOMWEB, null, null, 0, null, null, null, baseUrl,
                null, Duration.ofSeconds(5), Duration.ofSeconds(30), 4);
    }

    @Test
    void echoAnswers() {
        node.echo();
    }

    @Test
    void findPatientsAggregatesStudiesAndHonoursWildcards() {
        assertThat(node.findPatients("HNC*"))
                .containsExactly(new PatientEntry(PATIENT_ID, "Becker^Matthew", 1));
        assertThat(node.findPatients("HNC-0522c000?")).extracting(PatientEntry::patientID).containsExactly(PATIENT_ID);
        assertThat(node.findPatients("*")).extracting(PatientEntry::patientID).containsExactly(PATIENT_ID);
        assertThat(node.findPatients(PATIENT_ID)).hasSize(1);
        assertThat(node.findPatients("XYZ*")).isEmpty();
    }

    @Test
    void findStudiesOfThePatient() {
        List<StudyEntry> studies = node.findStudies(PATIENT_ID);

        assertThat(studies).hasSize(1);
        StudyEntry study = studies.get(0);
        assertThat(study.studyInstanceUID()).isEqualTo(STUDY);
        assertThat(study.patientID()).isEqualTo(PATIENT_ID);
        assertThat(study.patientName()).isEqualTo("Becker^Matthew");
        assertThat(study.modalitiesInStudy()).containsExactlyInAnyOrder("CT", "RTSTRUCT", "RTPLAN", "RTDOSE");
        assertThat(study.numberOfStudyRelatedSeries()).isEqualTo(4);
        assertThat(study.numberOfStudyRelatedInstances()).isEqualTo(8);
        assertThat(node.findStudies("HNC-0522c000")).isEmpty();
    }

    @Test
    void findSeriesOfTheStudy() {
        List<SeriesEntry> series = node.findSeries(STUDY);

        assertThat(series).extracting(SeriesEntry::seriesInstanceUID)
                .containsExactlyInAnyOrder(CT_SERIES, RS_SERIES, RP_SERIES, RD_SERIES);
        SeriesEntry ct = series.stream().filter(s -> s.seriesInstanceUID().equals(CT_SERIES)).findFirst().orElseThrow();
        assertThat(ct.modality()).isEqualTo("CT");
        assertThat(ct.studyInstanceUID()).isEqualTo(STUDY);
        assertThat(ct.seriesDescription()).isEqualTo("CTs from rtog conversion");
        assertThat(ct.numberOfSeriesRelatedInstances()).isEqualTo(5);
        assertThat(series).filteredOn(s -> s.seriesInstanceUID().equals(RP_SERIES))
                .extracting(SeriesEntry::modality).containsExactly("RTPLAN");
    }

    @Test
    void findInstancesOfTheCtSeries() {
        List<InstanceEntry> instances = node.findInstances(STUDY, CT_SERIES);

        assertThat(instances).extracting(InstanceEntry::sopInstanceUID).containsExactlyInAnyOrderElementsOf(CT_SOPS);
        assertThat(instances).extracting(InstanceEntry::sopClassUID).containsOnly("1.2.840.10008.5.1.4.1.1.2");
        assertThat(instances).extracting(InstanceEntry::instanceNumber)
                .containsExactlyInAnyOrder("57", "58", "59", "60", "61");
        assertThat(instances).allSatisfy(i -> assertThat(i.seriesInstanceUID()).isEqualTo(CT_SERIES));
    }

    @Test
    void retrieveSeriesHandsPart10FilesWithTheOriginalPixelData() throws Exception {
        Map<String, byte[]> sourcePixels = new HashMap<>();
        try (Stream<Path> files = Files.list(SharedData.rtSet().resolve("CT"))) {
            for (Path file : files.toList()) {
                AttributeList source = read(file);
                sourcePixels.put(sop(source), pixelBytes(source));
            }
        }
        Map<String, byte[]> retrievedPixels = new HashMap<>();
        List<Path> handed = new ArrayList<>();

        int count = node.retrieveSeries(STUDY, CT_SERIES, file -> {
            handed.add(file);
            assertThat(isPart10(file)).as("Part-10 header of %s", file).isTrue();
            AttributeList retrieved = read(file);
            assertThat(Attribute.getSingleStringValueOrEmptyString(retrieved, TagFromName.TransferSyntaxUID))
                    .isEqualTo("1.2.840.10008.1.2");
            retrievedPixels.put(sop(retrieved), pixelBytes(retrieved));
        });

        assertThat(count).isEqualTo(5);
        assertThat(retrievedPixels.keySet()).containsExactlyInAnyOrderElementsOf(CT_SOPS);
        for (String sop : CT_SOPS) {
            assertThat(retrievedPixels.get(sop)).as("PixelData of %s", sop).isEqualTo(sourcePixels.get(sop));
        }
        assertThat(handed).noneMatch(Files::exists);
    }

    @Test
    void retrieveHeadersOfThePlanKeepsItsSequences() {
        List<AttributeList> headers = node.retrieveHeaders(STUDY, RP_SERIES);

        assertThat(headers).hasSize(1);
        AttributeList plan = headers.get(0);
        assertThat(sop(plan)).isEqualTo(RP_SOP);
        assertThat(Attribute.getSingleStringValueOrEmptyString(plan, TagFromName.RTPlanLabel)).isNotBlank();
        assertThat(Attribute.getSingleStringValueOrEmptyString(plan, APPROVAL_STATUS)).isEqualTo("UNAPPROVED");
        assertThat(Attribute.getSingleStringValueOrEmptyString(plan, TagFromName.PatientName))
                .isEqualTo("Becker^Matthew");
        assertThat(SequenceAttribute.getSingleStringValueOfNamedAttributeFromWithinSequenceWithSingleItemOrEmptyString(
                plan, REFERENCED_STRUCTURE_SET_SEQUENCE, TagFromName.ReferencedSOPInstanceUID)).isEqualTo(RS_SOP);
    }

    @Test
    void retrieveHeadersOfDoseAndStructureSetKeepReferencesAndSkipBulkData() {
        AttributeList dose = node.retrieveHeaders(STUDY, RD_SERIES).get(0);
        assertThat(SequenceAttribute.getSingleStringValueOfNamedAttributeFromWithinSequenceWithSingleItemOrEmptyString(
                dose, REFERENCED_RT_PLAN_SEQUENCE, TagFromName.ReferencedSOPInstanceUID)).isEqualTo(RP_SOP);
        assertThat(dose.get(TagFromName.PixelData)).as("BulkDataURI attribute").isNull();
        assertThat(Attribute.getSingleIntegerValueOrDefault(dose, TagFromName.Rows, 0)).isEqualTo(44);

        AttributeList structureSet = node.retrieveHeaders(STUDY, RS_SERIES).get(0);
        AttributeList frameOfReference = SequenceAttribute.getAttributeListFromWithinSequenceWithSingleItem(
                structureSet, REFERENCED_FRAME_OF_REFERENCE_SEQUENCE);
        AttributeList referencedStudy = SequenceAttribute.getAttributeListFromWithinSequenceWithSingleItem(
                frameOfReference, RT_REFERENCED_STUDY_SEQUENCE);
        AttributeList referencedSeries = SequenceAttribute.getAttributeListFromWithinSequenceWithSingleItem(
                referencedStudy, RT_REFERENCED_SERIES_SEQUENCE);
        assertThat(Attribute.getSingleStringValueOrEmptyString(referencedSeries, TagFromName.SeriesInstanceUID))
                .isEqualTo(CT_SERIES);
        SequenceAttribute contourImages = (SequenceAttribute) referencedSeries.get(CONTOUR_IMAGE_SEQUENCE);
        List<String> referencedImages = new ArrayList<>();
        contourImages.iterator().forEachRemaining(item -> referencedImages.add(
                Attribute.getSingleStringValueOrEmptyString(item.getAttributeList(), TagFromName.ReferencedSOPInstanceUID)));
        assertThat(referencedImages).containsExactlyInAnyOrderElementsOf(CT_SOPS);
    }

    @Test
    void storeIntoASecondArchiveMakesTheInstancesQueryable() {
        try (OrthancServer project = OrthancServer.builder().aet("PROJECT").start();
             DicomWebNode target = new DicomWebNode(config("project", project.dicomWebUrl()))) {
            assertThat(target.findPatients("*")).isEmpty();

            try (DicomNode.StoreSession session = target.openStoreSession()) {
                // CT: streamed from one archive into the other, as staging does.
                int copied = node.retrieveSeries(STUDY, CT_SERIES, session::store);
                assertThat(copied).isEqualTo(5);
                // RT objects: the fixture files themselves.
                for (String name : List.of("RS.dcm", "RP.dcm", "RD.dcm")) {
                    session.store(SharedData.rtSet().resolve(name));
                }
            }

            assertThat(project.instanceCount()).isEqualTo(8);
            assertThat(target.findStudies(PATIENT_ID)).singleElement()
                    .satisfies(s -> assertThat(s.numberOfStudyRelatedInstances()).isEqualTo(8));
            assertThat(target.findInstances(STUDY, CT_SERIES)).extracting(InstanceEntry::sopInstanceUID)
                    .containsExactlyInAnyOrderElementsOf(CT_SOPS);
            assertThat(target.retrieveHeaders(STUDY, RP_SERIES)).singleElement()
                    .satisfies(plan -> assertThat(sop(plan)).isEqualTo(RP_SOP));
        }
    }

    /** A holding node behind DICOMweb deletes through Orthanc's REST API; without its root it cannot delete. */
    @Test
    void anOrthancHoldingNodeDeletesASeriesAndLeavesTheOthers() {
        try (OrthancServer holding = OrthancServer.builder().aet("HOLDING").start();
             DicomWebNode target = new DicomWebNode(new DicomNodeConfig("holding", DicomNodeConfig.Kind.DICOMWEB,
                     null, null, 0, null, null, null, holding.dicomWebUrl(), null, Duration.ofSeconds(5),
                     Duration.ofSeconds(30), 4, null, holding.restUrl()));
             DicomWebNode withoutRest = new DicomWebNode(config("holding", holding.dicomWebUrl()))) {
            try (DicomNode.StoreSession session = target.openStoreSession()) {
                node.retrieveSeries(STUDY, CT_SERIES, session::store);
                session.store(SharedData.rtSet().resolve("RP.dcm"));
            }
            assertThat(target.canDelete()).isTrue();
            assertThat(withoutRest.canDelete()).isFalse();
            assertThatThrownBy(() -> withoutRest.deleteSeries(STUDY, CT_SERIES))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("holding");

            assertThat(target.deleteSeries(STUDY, CT_SERIES)).isEqualTo(5);
            assertThat(target.findInstances(STUDY, CT_SERIES)).isEmpty();
            assertThat(target.findInstances(STUDY, RP_SERIES)).hasSize(1);
            assertThat(target.deleteSeries(STUDY, CT_SERIES)).as("deleting again").isZero();
        }
    }

    @Test
    void storeOfABrokenOrNonDicomFileFailsNamingTheFile(@TempDir Path directory) throws IOException {
        Path truncated = SharedData.pydicom("MR_truncated.dcm");
        Path text = Files.writeString(directory.resolve("notes.txt"), "not DICOM", StandardCharsets.US_ASCII);
        // A scratch archive: should the peer accept something after all, the shared one stays as the tests expect.
        try (OrthancServer scratch = OrthancServer.builder().aet("SCRATCH").start();
             DicomWebNode target = new DicomWebNode(config("scratch", scratch.dicomWebUrl()));
             DicomNode.StoreSession session = target.openStoreSession()) {
            assertThatThrownBy(() -> session.store(truncated))
                    .isInstanceOf(DicomNodeException.class)
                    .hasMessageContaining("scratch")
                    .hasMessageContaining("MR_truncated.dcm");
            assertThatThrownBy(() -> session.store(text))
                    .isInstanceOf(DicomNodeException.class)
                    .hasMessageContaining("notes.txt");
            // The session stays usable after a refusal.
            session.store(SharedData.rtSet().resolve("RP.dcm"));
            assertThat(scratch.instanceCount()).isEqualTo(1);
        }
    }

    @Test
    void unknownSeriesIsAFailureNamingNodeAndStatus() {
        assertThatThrownBy(() -> node.retrieveSeries(STUDY, "1.2.3.4", file -> { }))
                .isInstanceOf(DicomNodeException.class)
                .hasMessageContaining("study0")
                .hasMessageContaining("1.2.3.4")
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void stoppedArchiveIsAFailureNamingTheNode() {
        OrthancServer gone = OrthancServer.builder().aet("GONE").start();
        String url = gone.dicomWebUrl();
        gone.close();

        try (DicomWebNode stopped = new DicomWebNode(config("archive-gone", url))) {
            assertThatThrownBy(stopped::echo)
                    .isInstanceOf(DicomNodeException.class)
                    .hasMessageContaining("archive-gone")
                    .hasMessageContaining("echo");
            assertThatThrownBy(() -> stopped.findStudies(PATIENT_ID))
                    .isInstanceOf(DicomNodeException.class)
                    .hasMessageContaining("archive-gone")
                    .hasMessageContaining("find studies");
            assertThatThrownBy(() -> stopped.retrieveSeries(STUDY, CT_SERIES, file -> { }))
                    .isInstanceOf(DicomNodeException.class)
                    .hasMessageContaining("archive-gone");
        }
    }

    private static byte[] pixelBytes(AttributeList list) throws Exception {
        Attribute pixels = list.get(TagFromName.PixelData);
        assertThat(pixels).isNotNull();
        short[] words = pixels.getShortValues();
        byte[] bytes = new byte[words.length * 2];
        for (int i = 0; i < words.length; i++) {
            bytes[2 * i] = (byte) words[i];
            bytes[2 * i + 1] = (byte) (words[i] >> 8);
        }
        return bytes;
    }

    private static boolean isPart10(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && Arrays.equals(head, 128, 132, "DICM".getBytes(StandardCharsets.US_ASCII), 0, 4);
        }
    }
}
