package org.dicomstage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import com.pixelmed.dicom.DicomException;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.testing.CtSeriesGenerator;
import org.dicomstage.testing.DemoRtPatientGenerator;
import org.dicomstage.testing.SharedData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * Seeds the local run's Study0 archive with demo data matching {@link DemoStudyData}'s enrolments: the shared RT
 * fixture (HNC-0522c0009 = HN-RT-01), a generated RT patient with an approved and an unapproved plan, CT and MR
 * (PID-0001 = HN-001), and small CT series for PID-0002 and PID-0003. The project archive stays empty.
 * {@link LocalDicomStage} wipes the files before the archives start, so seeding is the same at every start.
 */
public final class LocalArchives implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(LocalArchives.class);

    private final DicomNodeRegistry nodes;

    LocalArchives(DicomNodeRegistry nodes) {
        this.nodes = nodes;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException, DicomException {
        EmbeddedArchive study0 = nodes.archive(DemoStudyData.STUDY0_NODE).orElseThrow(() -> new IllegalStateException(
                "the local run seeds an EMBEDDED node '" + DemoStudyData.STUDY0_NODE + "'"));
        if (study0.size() > 0) {
            return; // not wiped: someone pointed the archive elsewhere on purpose
        }
        seedStudy0(study0);
    }

    /** Imports the demo data into an (empty) Study0 archive; the browser journey test seeds its own archive with it. */
    public static int seedStudy0(EmbeddedArchive study0) throws IOException, DicomException {
        Path generated = Files.createTempDirectory("dicomstage-demo-");
        try {
            int files = study0.importDirectory(SharedData.rtSet());
            DemoRtPatientGenerator.write(generated.resolve("pid1"), DemoStudyData.pid(1), "Kowalski^Anna");
            files += study0.importDirectory(generated.resolve("pid1"));
            CtSeriesGenerator.write(generated.resolve("pid2"), 4, "Lindqvist^Per", DemoStudyData.pid(2));
            CtSeriesGenerator.write(generated.resolve("pid3"), 3, "Okafor^Ngozi", DemoStudyData.pid(3));
            files += study0.importDirectory(generated.resolve("pid2"));
            files += study0.importDirectory(generated.resolve("pid3"));
            log.info("seeded Study0 ({}) with {} instances", study0.storageDirectory(), files);
            return files;
        } finally {
            wipe(generated);
        }
    }

    /** Deletes a directory tree if it exists. */
    static void wipe(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + directory + ": " + e.getMessage(), e);
        }
    }
}
