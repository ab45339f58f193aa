package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 9: {@code findscu -aet ANYONE} listed every patient of the embedded Study0 archive. An archive set
 * up as the local run sets up Study0 (default peers: DICOM Stage's calling AE title) answers its peer only.
 */
class EmbeddedArchivePeersIT {

    @TempDir
    static Path temp;

    static EmbeddedArchive study0;

    @BeforeAll
    static void start() throws Exception {
        study0 = new EmbeddedArchive("STUDY0", temp.resolve("study0"), 0, 4);
        study0.start();
        Fixtures.rtFiles().values().forEach(study0::importFile);
    }

    @AfterAll
    static void stop() {
        study0.close();
    }

    @Test
    void findscuWithAnUnknownCallingAeTitleGetsNoPatients() throws Exception {
        String output = findPatients("ANYONE");
        assertThat(output).doesNotContain(Fixtures.RT_PATIENT).containsIgnoringCase("abort");
    }

    @Test
    void findscuAsDicomStageStillListsThem() throws Exception {
        assertThat(findPatients("DICOMSTAGE")).contains(Fixtures.RT_PATIENT);
    }

    private static String findPatients(String callingAeTitle) throws Exception {
        List<String> command = List.of("findscu", "-v", "-P", "-aet", callingAeTitle, "-aec", "STUDY0",
                "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID", "-k", "PatientName",
                "127.0.0.1", Integer.toString(study0.port()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("findscu finished").isTrue();
        return new String(output, StandardCharsets.UTF_8);
    }
}
