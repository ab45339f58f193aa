package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The embedded archive as dcmtk sees it: storescu into it, findscu, getscu and movescu from it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedArchiveDcmtkIT {

    private static final Pattern STUDY_UID = Pattern.compile("\\(0020,000d\\) UI \\[([0-9.]+)\u0000?\\]");
    private static final Pattern SERIES_UID = Pattern.compile("\\(0020,000e\\) UI \\[([0-9.]+)\u0000?\\]");
    private static final Pattern SOP_UID = Pattern.compile("\\(0008,0018\\) UI \\[([0-9.]+)\u0000?\\]");

    @TempDir
    static Path temp;

    static EmbeddedArchive archive;
    static Map<String, Path> rtFiles;

    @BeforeAll
    static void start() throws Exception {
        archive = new EmbeddedArchive("DCMCHECK", temp.resolve("archive"), 0, 4, Set.of("DCMTK"));
        archive.start();
        rtFiles = Fixtures.rtFiles();
    }

    @AfterAll
    static void stop() {
        archive.close();
    }

    private static String run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command.get(0)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s exit code; output:%n%s", command, text).isZero();
        return text;
    }

    private static Set<String> all(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static Set<String> sopInstanceUIDsByDcmdump(Path directory) throws Exception {
        Set<String> uids = new TreeSet<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Matcher m = SOP_UID.matcher(run(List.of("dcmdump", "-q", "+P", "0008,0018", f.toString())));
                assertThat(m.find()).as("SOPInstanceUID in %s", f).isTrue();
                uids.add(m.group(1));
            }
        }
        return uids;
    }

    private static List<String> scu(String tool, String... args) {
        List<String> command = new ArrayList<>(List.of(tool, "-aet", "DCMTK", "-aec", "DCMCHECK"));
        command.addAll(List.of(args));
        command.addAll(List.of("127.0.0.1", Integer.toString(archive.port())));
        return command;
    }

    @Test
    @Order(1)
    void storescuStoresEveryFile() throws Exception {
        // storescu takes the files after peer and port
        List<String> command = scu("storescu");
        command.addAll(rtFiles.values().stream().map(Path::toString).toList());
        run(command);
        assertThat(archive.size()).isEqualTo(8);
        // again: replaced, not duplicated
        run(command);
        assertThat(archive.size()).isEqualTo(8);
        assertThat(Fixtures.countFiles(archive.storageDirectory())).isEqualTo(8);
    }

    @Test
    @Order(2)
    void findscuSeesStudyAndSeries() throws Exception {
        String studies = run(scu("findscu", "-v", "-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "PatientID=HNC*",
                "-k", "StudyInstanceUID", "-k", "ModalitiesInStudy", "-k", "NumberOfStudyRelatedInstances"));
        assertThat(all(STUDY_UID, studies)).as(studies).containsExactly(Fixtures.RT_STUDY);
        assertThat(studies).contains("ModalitiesInStudy").containsPattern("\\[[A-Z\\\\]*RTSTRUCT[A-Z\\\\]* ?\\]").contains("[8 ]");

        String series = run(scu("findscu", "-v", "-S", "-k", "QueryRetrieveLevel=SERIES", "-k", "StudyInstanceUID=" + Fixtures.RT_STUDY,
                "-k", "SeriesInstanceUID", "-k", "Modality", "-k", "NumberOfSeriesRelatedInstances"));
        assertThat(all(SERIES_UID, series)).hasSize(4).contains(Fixtures.RT_CT_SERIES);

        String patients = run(scu("findscu", "-v", "-P", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=HNC-0522c000?",
                "-k", "PatientName"));
        assertThat(patients).contains("LO [" + Fixtures.RT_PATIENT + " ]").contains("PatientName");
    }

    @Test
    @Order(3)
    void getscuRetrievesTheCtSeries() throws Exception {
        Path out = Files.createDirectories(temp.resolve("getscu"));
        run(scu("getscu", "-S", "-od", out.toString(), "-k", "QueryRetrieveLevel=SERIES",
                "-k", "StudyInstanceUID=" + Fixtures.RT_STUDY, "-k", "SeriesInstanceUID=" + Fixtures.RT_CT_SERIES));
        Set<String> expected = new TreeSet<>(archive.index().select(ArchiveIndex.Level.SERIES,
                Queries.seriesRetrieve(Fixtures.RT_STUDY, Fixtures.RT_CT_SERIES)).stream().map(ArchiveIndex.Entry::sopInstanceUID).toList());
        assertThat(expected).hasSize(5);
        assertThat(sopInstanceUIDsByDcmdump(out)).isEqualTo(expected);
    }

    @Test
    @Order(4)
    void movescuSendsTheStudyToStorescp() throws Exception {
        Path out = Files.createDirectories(temp.resolve("storescp"));
        int port = Fixtures.freePort();
        ProcessBuilder pb = new ProcessBuilder("storescp", "-aet", "STORESCP", "-od", out.toString(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(temp.resolve("storescp.log").toFile());
        pb.environment().put("TCP_NODELAY", "1");
        Process storescp = pb.start();
        try {
            archive.addMoveDestination("STORESCP", "127.0.0.1", port);
            waitForPort(port);
            run(scu("movescu", "-S", "-aem", "STORESCP", "-k", "QueryRetrieveLevel=STUDY",
                    "-k", "StudyInstanceUID=" + Fixtures.RT_STUDY));
            assertThat(sopInstanceUIDsByDcmdump(out)).isEqualTo(rtFiles.keySet());
        } finally {
            storescp.destroy();
            storescp.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("storescp did not listen on " + port);
    }
}
