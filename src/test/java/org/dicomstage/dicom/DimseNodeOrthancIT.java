package org.dicomstage.dicom;

import static org.dicomstage.testing.DicomFiles.read;
import static org.dicomstage.testing.DicomFiles.sop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.testing.OrthancServer;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DimseNode} against a real Orthanc holding the RT fixture set: C-ECHO, C-FIND, C-GET, C-MOVE, C-STORE. */
class DimseNodeOrthancIT {

    private static final String OUR_AET = "STAGE";
    private static final String PATIENT_ID = SharedData.RT_PATIENT_ID;
    private static final String STUDY = SharedData.RT_STUDY_UID;
    private static final String CT_SERIES = SharedData.RT_CT_SERIES_UID;
    private static final String RP_SERIES = SharedData.RT_PLAN_SERIES_UID;
    private static final String RS_SOP = SharedData.RT_STRUCTURE_SET_SOP_UID;
    private static final List<String> CT_SOPS = SharedData.RT_CT_SOP_UIDS;

    @TempDir
    static Path receiverDirectory;

    private static MoveReceiver receiver;
    private static OrthancServer study0;
    private static DimseNode getNode;
    private static DimseNode moveNode;

    @BeforeAll
    static void start() {
        receiver = new MoveReceiver(OUR_AET, InetAddress.getLoopbackAddress(), 0, receiverDirectory, 2,
                Duration.ofSeconds(30));
        receiver.start();
        // Orthanc must know our receiver to C-MOVE into it.
        study0 = OrthancServer.builder().aet("STUDY0")
                .modality(OUR_AET, OUR_AET, "127.0.0.1", receiver.port())
                .start();
        study0.uploadAll(SharedData.rtSet());
        getNode = new DimseNode(config("study0-get", study0, DicomNodeConfig.RetrieveMethod.C_GET), receiver);
        moveNode = new DimseNode(config("study0-move", study0, DicomNodeConfig.RetrieveMethod.C_MOVE), receiver);
    }

    @AfterAll
    static void stop() {
        if (study0 != null) {
            study0.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    static DicomNodeConfig config(String name, OrthancServer orthanc, DicomNodeConfig.RetrieveMethod retrieve) {
        return config(name, orthanc.aet(), orthanc.dicomPort(), retrieve);
    }

    static DicomNodeConfig config(String name, String aet, int port, DicomNodeConfig.RetrieveMethod retrieve) {
        return new DicomNodeConfig(name, DicomNodeConfig.Kind.DIMSE, aet, "127.0.0.1", port, OUR_AET, retrieve,
                OUR_AET, null, null, Duration.ofSeconds(5), Duration.ofSeconds(30), 2);
    }

    @Test
    void echo() {
        getNode.echo();
    }

    @Test
    void findAtEveryLevel() {
        assertThat(getNode.findPatients("HNC*")).extracting(PatientEntry::patientID).containsExactly(PATIENT_ID);
        assertThat(getNode.findStudies(PATIENT_ID)).extracting(StudyEntry::studyInstanceUID).containsExactly(STUDY);
        assertThat(getNode.findSeries(STUDY)).hasSize(4)
                .filteredOn(s -> s.seriesInstanceUID().equals(CT_SERIES)).singleElement()
                .satisfies(ct -> assertThat(ct.modality()).isEqualTo("CT"));
        assertThat(getNode.findInstances(STUDY, CT_SERIES)).extracting(InstanceEntry::sopInstanceUID)
                .containsExactlyInAnyOrderElementsOf(CT_SOPS);
    }

    @Test
    void retrieveByCGetKeepsPixelData() throws Exception {
        assertRetrievesCtSeries(getNode);
    }

    @Test
    void retrieveByCMoveKeepsPixelData() throws Exception {
        assertRetrievesCtSeries(moveNode);
    }

    @Test
    void retrievesTheNamedInstancesOfASeriesAtImageLevel() {
        List<InstanceEntry> listed = getNode.findInstances(STUDY, CT_SERIES);
        List<InstanceEntry> two = List.of(listed.get(1), listed.get(3));
        Set<String> received = new HashSet<>();

        assertThat(getNode.retrievesInstances()).isTrue();
        assertThat(getNode.retrieveInstances(STUDY, CT_SERIES, two, file -> received.add(sop(read(file)))))
                .isEqualTo(2);
        assertThat(received).containsExactlyInAnyOrder(two.get(0).sopInstanceUID(), two.get(1).sopInstanceUID());
        // An identifier naming hundreds of instances is larger than one PDU Orthanc accepts (16 KB): it goes in
        // several, or Orthanc aborts the association. (Orthanc refuses a C-GET naming an instance it does not hold,
        // so the series' five are named again and again.)
        List<InstanceEntry> many = new ArrayList<>();
        while (many.stream().mapToInt(i -> i.sopInstanceUID().length() + 1).sum() < 2 * 16384) {
            many.addAll(listed);
        }
        received.clear();
        assertThat(getNode.retrieveInstances(STUDY, CT_SERIES, many, file -> received.add(sop(read(file)))))
                .as("Orthanc sends an instance as often as it is named").isEqualTo(many.size());
        assertThat(received).containsExactlyInAnyOrderElementsOf(CT_SOPS);
        // Our C-MOVE receiver waits for whole series: with C-MOVE a series is retrieved whole.
        assertThat(moveNode.retrievesInstances()).isFalse();
    }

    @Test
    void retrieveHeadersOfThePlan() {
        List<AttributeList> headers = getNode.retrieveHeaders(STUDY, RP_SERIES);

        assertThat(headers).hasSize(1);
        AttributeList plan = headers.get(0);
        assertThat(Attribute.getSingleStringValueOrEmptyString(plan, DicomJson.tag("ApprovalStatus")))
                .isEqualTo("UNAPPROVED");
        assertThat(SequenceAttribute.getSingleStringValueOfNamedAttributeFromWithinSequenceWithSingleItemOrEmptyString(
                plan, DicomJson.tag("ReferencedStructureSetSequence"), TagFromName.ReferencedSOPInstanceUID))
                .isEqualTo(RS_SOP);
    }

    @Test
    void storeIntoASecondOrthanc() {
        try (OrthancServer project = OrthancServer.builder().aet("PROJECT").start()) {
            DimseNode target = new DimseNode(config("project", project, DicomNodeConfig.RetrieveMethod.C_GET), receiver);
            try (DicomNode.StoreSession session = target.openStoreSession()) {
                assertThat(getNode.retrieveSeries(STUDY, CT_SERIES, session::store)).isEqualTo(5);
            }

            assertThat(project.instanceCount()).isEqualTo(5);
            assertThat(target.findInstances(STUDY, CT_SERIES)).extracting(InstanceEntry::sopInstanceUID)
                    .containsExactlyInAnyOrderElementsOf(CT_SOPS);
        }
    }

    @Test
    void stoppedOrthancIsAFailureNamingTheNode() {
        OrthancServer gone = OrthancServer.builder().aet("GONE").start();
        DimseNode node = new DimseNode(config("archive-gone", gone, DicomNodeConfig.RetrieveMethod.C_GET), receiver);
        gone.close();

        assertThatThrownBy(node::echo).isInstanceOf(DicomNodeException.class).hasMessageContaining("archive-gone");
        assertThatThrownBy(() -> node.findStudies(PATIENT_ID)).isInstanceOf(DicomNodeException.class)
                .hasMessageContaining("archive-gone");
    }

    private static void assertRetrievesCtSeries(DicomNode node) throws Exception {
        Map<String, short[]> sourcePixels = new HashMap<>();
        try (Stream<Path> files = Files.list(SharedData.rtSet().resolve("CT"))) {
            for (Path file : files.toList()) {
                AttributeList source = read(file);
                sourcePixels.put(sop(source), pixelWords(source));
            }
        }
        Map<String, short[]> retrieved = new HashMap<>();
        List<Path> handed = new ArrayList<>();

        int count = node.retrieveSeries(STUDY, CT_SERIES, file -> {
            handed.add(file);
            AttributeList list = read(file);
            retrieved.put(sop(list), pixelWords(list));
        });

        assertThat(count).isEqualTo(5);
        assertThat(retrieved.keySet()).containsExactlyInAnyOrderElementsOf(CT_SOPS);
        for (String sop : CT_SOPS) {
            assertThat(retrieved.get(sop)).as("PixelData of %s", sop).isEqualTo(sourcePixels.get(sop));
        }
    }

    private static short[] pixelWords(AttributeList list) throws Exception {
        Attribute pixels = list.get(TagFromName.PixelData);
        assertThat(pixels).isNotNull();
        return pixels.getShortValues();
    }
}
