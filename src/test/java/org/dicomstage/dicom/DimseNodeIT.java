package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dicomstage.dicom.DicomNodeConfig.RetrieveMethod;

class DimseNodeIT {

    @TempDir
    static Path temp;

    static EmbeddedArchive study0;
    static MoveReceiver receiver;
    static Map<String, Path> rtFiles;

    @BeforeAll
    static void start() throws Exception {
        study0 = new EmbeddedArchive("STUDY0", temp.resolve("study0"), 0, 8);
        study0.start();
        rtFiles = Fixtures.rtFiles();
        assertThat(study0.importDirectory(org.dicomstage.testing.SharedData.rtSet())).isEqualTo(8);
        receiver = new MoveReceiver("DICOMSTAGE", InetAddress.getLoopbackAddress(), 0, temp.resolve("move"), 4, Duration.ofSeconds(30));
        receiver.start();
        study0.addMoveDestination("DICOMSTAGE", "127.0.0.1", receiver.port());
    }

    @AfterAll
    static void stop() {
        receiver.close();
        study0.close();
    }

    private static DimseNode node(RetrieveMethod retrieve) {
        return new DimseNode(Fixtures.dimse("study0", "STUDY0", study0.port(), retrieve, 4),
                retrieve == RetrieveMethod.C_MOVE ? receiver : null);
    }

    @Test
    void echoes() {
        node(RetrieveMethod.C_GET).echo();
    }

    @Test
    void findsAtEveryLevel() {
        DimseNode node = node(RetrieveMethod.C_GET);
        assertThat(node.findPatients("HNC*")).containsExactly(new PatientEntry(Fixtures.RT_PATIENT,
                node.findPatients(Fixtures.RT_PATIENT).get(0).patientName(), 1));
        assertThat(node.findPatients("NOBODY*")).isEmpty();

        List<StudyEntry> studies = node.findStudies(Fixtures.RT_PATIENT);
        assertThat(studies).hasSize(1);
        StudyEntry study = studies.get(0);
        assertThat(study.studyInstanceUID()).isEqualTo(Fixtures.RT_STUDY);
        assertThat(study.modalitiesInStudy()).containsExactlyInAnyOrder("CT", "RTSTRUCT", "RTPLAN", "RTDOSE");
        assertThat(study.numberOfStudyRelatedInstances()).isEqualTo(8);
        assertThat(study.numberOfStudyRelatedSeries()).isEqualTo(4);

        List<SeriesEntry> series = node.findSeries(Fixtures.RT_STUDY);
        assertThat(series).hasSize(4);
        assertThat(series).filteredOn(s -> s.seriesInstanceUID().equals(Fixtures.RT_CT_SERIES))
                .singleElement().satisfies(s -> {
                    assertThat(s.modality()).isEqualTo("CT");
                    assertThat(s.numberOfSeriesRelatedInstances()).isEqualTo(5);
                });

        List<InstanceEntry> instances = node.findInstances(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES);
        assertThat(instances).hasSize(5);
        assertThat(instances).allSatisfy(i -> assertThat(rtFiles).containsKey(i.sopInstanceUID()));
        assertThat(instances).extracting(InstanceEntry::sopClassUID).containsOnly(com.pixelmed.dicom.SOPClass.CTImageStorage);
    }

    @Test
    void retrievesByGet() throws Exception {
        assertRetrievesEverySeries(node(RetrieveMethod.C_GET));
    }

    @Test
    void retrievesByMove() throws Exception {
        assertRetrievesEverySeries(node(RetrieveMethod.C_MOVE));
    }

    private void assertRetrievesEverySeries(DimseNode node) throws Exception {
        Set<String> received = new HashSet<>();
        List<Path> handed = new ArrayList<>();
        int total = 0;
        for (SeriesEntry series : node.findSeries(Fixtures.RT_STUDY)) {
            total += node.retrieveSeries(Fixtures.RT_STUDY, series.seriesInstanceUID(), file -> {
                assertThat(Files.size(file)).isPositive();
                received.add(Fixtures.sopInstanceUID(file));
                handed.add(file);
            });
        }
        assertThat(total).isEqualTo(8);
        assertThat(received).isEqualTo(rtFiles.keySet());
        assertThat(handed).noneMatch(Files::exists);
        assertThat(node.retrieveHeaders(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES)).hasSize(5);
    }

    @Test
    void aRetrievalGivenTheSeriesListingTakesTheSopClassesFromItInsteadOfAskingAgain() {
        DimseNode node = node(RetrieveMethod.C_GET);
        List<InstanceEntry> listed = node.findInstances(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES);
        Set<String> received = new HashSet<>();
        assertThat(node.retrieveSeries(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES, listed,
                file -> received.add(Fixtures.sopInstanceUID(file)))).isEqualTo(5);
        assertThat(received).hasSize(5);

        // A listing that names another class than the archive holds offers no context for the CT images: had the
        // node asked the archive again, this retrieval would have delivered them.
        List<InstanceEntry> wrongClass = listed.stream().map(i -> new InstanceEntry(i.studyInstanceUID(),
                i.seriesInstanceUID(), i.sopInstanceUID(), com.pixelmed.dicom.SOPClass.MRImageStorage,
                i.instanceNumber())).toList();
        List<Path> delivered = new ArrayList<>();
        assertThatThrownBy(() -> node.retrieveSeries(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES, wrongClass,
                delivered::add)).isInstanceOf(DicomNodeException.class).hasMessageContaining("C-GET");
        assertThat(delivered).isEmpty();
    }

    @Test
    void retrievesTheNamedInstancesOfASeriesAtImageLevel() {
        DimseNode node = node(RetrieveMethod.C_GET);
        List<InstanceEntry> listed = node.findInstances(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES);
        List<InstanceEntry> two = List.of(listed.get(0), listed.get(4));
        Set<String> received = new HashSet<>();

        assertThat(node.retrieveInstances(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES, two,
                file -> received.add(Fixtures.sopInstanceUID(file)))).isEqualTo(2);
        assertThat(received).containsExactlyInAnyOrder(two.get(0).sopInstanceUID(), two.get(1).sopInstanceUID());
    }

    @Test
    void consumerFailureStopsTheRetrieveAndPropagates() {
        for (RetrieveMethod method : RetrieveMethod.values()) {
            DimseNode node = node(method);
            assertThatThrownBy(() -> node.retrieveSeries(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES, file -> {
                throw new IllegalStateException("consumer broke");
            })).isInstanceOf(IllegalStateException.class).hasMessage("consumer broke");
            // the node is still usable afterwards
            assertThat(node.retrieveSeries(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES, file -> { })).isEqualTo(5);
        }
    }

    @Test
    void storesOverOneAssociationAndReStoreMakesNoDuplicates() throws Exception {
        try (EmbeddedArchive project = new EmbeddedArchive("PROJECT", temp.resolve("project"), 0, 4)) {
            project.start();
            DimseNode node = new DimseNode(Fixtures.dimse("project", "PROJECT", project.port(), RetrieveMethod.C_GET, 2), null);
            for (int round = 0; round < 2; round++) {
                int before = project.associationsAccepted();
                try (DicomNode.StoreSession session = node.openStoreSession()) {
                    for (Path file : rtFiles.values()) {
                        session.store(file);
                    }
                }
                assertThat(project.associationsAccepted() - before).as("associations per session").isEqualTo(1);
                assertThat(project.size()).isEqualTo(8);
                assertThat(Fixtures.countFiles(project.storageDirectory())).isEqualTo(8);
            }
            assertThat(node.findInstances(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES)).hasSize(5);
        }
    }

    @Test
    void proposesNewContextsOnAFreshAssociationAndKeepsTransferSyntaxes() throws Exception {
        try (EmbeddedArchive project = new EmbeddedArchive("MIXED", temp.resolve("mixed"), 0, 4)) {
            project.start();
            DimseNode node = new DimseNode(Fixtures.dimse("mixed", "MIXED", project.port(), RetrieveMethod.C_GET, 1), null);
            // the MR files are one SOP instance in two encodings: the RLE copy, stored last, replaces the other
            List<String> names = List.of("CT_small.dcm", "JPEG2000.dcm", "MR_small_implicit.dcm", "MR_small_RLE.dcm",
                    "reportsi.dcm", "CT_small.dcm");
            try (DicomNode.StoreSession session = node.openStoreSession()) {
                for (String name : names) {
                    session.store(org.dicomstage.testing.SharedData.pydicom(name));
                }
            }
            // CT first; JPEG 2000, RLE and a new SOP class each needed contexts not yet proposed
            assertThat(project.associationsAccepted()).isEqualTo(4);
            assertThat(project.size()).isEqualTo(4);
            Map<String, String> syntaxes = new java.util.HashMap<>();
            for (String name : names) {
                Path file = org.dicomstage.testing.SharedData.pydicom(name);
                String sop = Fixtures.sopInstanceUID(file);
                syntaxes.put(name, project.index().get(sop).orElseThrow().transferSyntaxUID());
            }
            assertThat(syntaxes).containsEntry("JPEG2000.dcm", com.pixelmed.dicom.TransferSyntax.JPEG2000)
                    .containsEntry("MR_small_RLE.dcm", com.pixelmed.dicom.TransferSyntax.RLE)
                    .containsEntry("CT_small.dcm", com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian);
        }
    }

    @Test
    void failedCStoreStatusNamesTheInstance() throws Exception {
        try (RefusingStoreScp refusing = new RefusingStoreScp()) {
            DimseNode node = new DimseNode(Fixtures.dimse("refusing", "REFUSE", refusing.port(), RetrieveMethod.C_GET, 1), null);
            Map.Entry<String, Path> first = rtFiles.entrySet().iterator().next();
            try (DicomNode.StoreSession session = node.openStoreSession()) {
                assertThatThrownBy(() -> session.store(first.getValue())).isInstanceOf(DicomNodeException.class)
                        .hasMessage("node 'refusing' (REFUSE@127.0.0.1:" + refusing.port() + "): C-STORE failed: status 0xA700 for SOP instance "
                                + first.getKey());
                // the association survives a refused instance
                assertThatThrownBy(() -> session.store(first.getValue())).hasMessageContaining(first.getKey());
            }
        }
    }

    @Test
    void nodeDownIsADicomNodeExceptionNamingTheNode() throws Exception {
        int port = Fixtures.freePort();
        DimseNode down = new DimseNode(Fixtures.dimse("down", "NOBODY", port, RetrieveMethod.C_GET, 1), null);
        assertThatThrownBy(down::echo).isInstanceOf(DicomNodeException.class)
                .hasMessage("node 'down' (NOBODY@127.0.0.1:" + port + "): C-ECHO failed: Connection refused");
        assertThatThrownBy(() -> down.findStudies(Fixtures.RT_PATIENT)).isInstanceOf(DicomNodeException.class)
                .hasMessage("node 'down' (NOBODY@127.0.0.1:" + port + "): C-FIND failed: Connection refused");
        assertThatThrownBy(() -> {
            try (DicomNode.StoreSession session = down.openStoreSession()) {
                session.store(rtFiles.values().iterator().next());
            }
        }).isInstanceOf(DicomNodeException.class).hasMessageContaining("node 'down'");
    }

    @Test
    void silentPeerTimesOut() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            DicomNodeConfig config = new DicomNodeConfig("silent", DicomNodeConfig.Kind.DIMSE, "SILENT", "127.0.0.1",
                    silent.getLocalPort(), "DICOMSTAGE", RetrieveMethod.C_GET, null, null, null,
                    Duration.ofMillis(500), Duration.ofSeconds(1), 1);
            DimseNode node = new DimseNode(config, null);
            long start = System.nanoTime();
            assertThatThrownBy(node::echo).isInstanceOf(DicomNodeException.class)
                    .hasMessage("node 'silent' (SILENT@127.0.0.1:" + silent.getLocalPort() + "): C-ECHO failed: no association within 500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            // the permit came back: a second call fails the same way instead of waiting forever
            assertThatThrownBy(node::echo).isInstanceOf(DicomNodeException.class);
        }
    }

    @Test
    void respectsMaxAssociations() throws Exception {
        try (EmbeddedArchive archive = new EmbeddedArchive("LIMITED", temp.resolve("limited"), 0, 8)) {
            archive.start();
            archive.importDirectory(org.dicomstage.testing.SharedData.rtSet());
            DimseNode node = new DimseNode(Fixtures.dimse("limited", "LIMITED", archive.port(), RetrieveMethod.C_GET, 2), null);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> node.retrieveSeries(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES, f -> Thread.sleep(5))));
                }
                for (Future<Integer> r : results) {
                    assertThat(r.get()).isEqualTo(5);
                }
            } finally {
                pool.shutdown();
            }
            assertThat(node.peakAssociations()).isEqualTo(2);
            // A permit is handed on only once the archive has closed the connection, so the archive never serves
            // more than the node's limit either, though each retrieve opens two associations back to back.
            assertThat(archive.peakAssociations()).as("associations the archive served at once")
                    .isLessThanOrEqualTo(2);
        }
    }
}
