package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import org.dicomstage.dicom.DicomNodeConfig.RetrieveMethod;

/** DimseNode against a real PACS: a throwaway Orthanc on loopback. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DimseNodeOrthancIT {

    @TempDir
    static Path temp;

    static Process orthanc;
    static int dicomPort;
    static MoveReceiver receiver;
    static Map<String, Path> rtFiles;

    @BeforeAll
    static void start() throws Exception {
        rtFiles = Fixtures.rtFiles();
        receiver = new MoveReceiver("DICOMSTAGE", InetAddress.getLoopbackAddress(), 0, temp.resolve("move"), 4, Duration.ofSeconds(30));
        receiver.start();
        dicomPort = Fixtures.freePort();
        int httpPort = Fixtures.freePort();
        Path config = temp.resolve("orthanc.json");
        Files.writeString(config, """
                {
                  "Name": "dimse-it",
                  "StorageDirectory": "%s",
                  "IndexDirectory": "%s",
                  "HttpPort": %d,
                  "DicomPort": %d,
                  "DicomAet": "ORTHANC",
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false,
                  "Plugins": [],
                  "DicomModalities": { "dicomstage": [ "DICOMSTAGE", "127.0.0.1", %d ] }
                }
                """.formatted(temp.resolve("storage"), temp.resolve("index"), httpPort, dicomPort, receiver.port()));
        ProcessBuilder pb = new ProcessBuilder("Orthanc", config.toString()).redirectErrorStream(true)
                .redirectOutput(temp.resolve("orthanc.log").toFile());
        pb.environment().put("TCP_NODELAY", "1");
        orthanc = pb.start();
        DimseNode node = node(RetrieveMethod.C_GET);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                node.echo();
                break;
            } catch (DicomNodeException e) {
                if (System.nanoTime() > deadline || !orthanc.isAlive()) {
                    throw new AssertionError("Orthanc did not answer C-ECHO: " + Files.readString(temp.resolve("orthanc.log")), e);
                }
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (orthanc != null) {
            orthanc.destroy();
            orthanc.waitFor(20, TimeUnit.SECONDS);
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private static DimseNode node(RetrieveMethod retrieve) {
        return new DimseNode(Fixtures.dimse("orthanc", "ORTHANC", dicomPort, retrieve, 4),
                retrieve == RetrieveMethod.C_MOVE ? receiver : null);
    }

    @Test
    @Order(1)
    void storesTheRtSetOverOneSession() {
        try (DicomNode.StoreSession session = node(RetrieveMethod.C_GET).openStoreSession()) {
            for (Path file : rtFiles.values()) {
                session.store(file);
            }
        }
    }

    @Test
    @Order(2)
    void findsAtEveryLevel() {
        DimseNode node = node(RetrieveMethod.C_GET);
        assertThat(node.findPatients("HNC*")).extracting(PatientEntry::patientID).containsExactly(Fixtures.RT_PATIENT);
        assertThat(node.findStudies(Fixtures.RT_PATIENT)).singleElement().satisfies(s -> {
            assertThat(s.studyInstanceUID()).isEqualTo(Fixtures.RT_STUDY);
            assertThat(s.modalitiesInStudy()).contains("CT", "RTSTRUCT");
            assertThat(s.numberOfStudyRelatedInstances()).isEqualTo(8);
        });
        assertThat(node.findSeries(Fixtures.RT_STUDY)).hasSize(4);
        assertThat(node.findInstances(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES)).hasSize(5);
    }

    @Test
    @Order(3)
    void retrievesByGetAndByMove() throws Exception {
        for (RetrieveMethod method : RetrieveMethod.values()) {
            DimseNode node = node(method);
            Set<String> received = new HashSet<>();
            for (SeriesEntry series : node.findSeries(Fixtures.RT_STUDY)) {
                node.retrieveSeries(Fixtures.RT_STUDY, series.seriesInstanceUID(), f -> received.add(Fixtures.sopInstanceUID(f)));
            }
            assertThat(received).as(method.name()).isEqualTo(rtFiles.keySet());
        }
    }
}
