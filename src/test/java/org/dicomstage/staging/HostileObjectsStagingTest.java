package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.dicom.EmbeddedNode;
import org.dicomstage.dicom.InstanceEntry;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.testing.HostileObjectGenerator;
import org.dicomstage.testing.HostileObjectGenerator.HostileObject;
import org.dicomstage.testing.SharedData;

/**
 * The hostile objects of issue 11 delivered by a source archive in the middle of a series: staging fails each alone
 * with its reason (a deep one used to escape the worker as a {@link StackOverflowError}), and stages the sound one.
 */
class HostileObjectsStagingTest {

    @TempDir
    Path dir;

    @Test
    void eachHostileInstanceFailsAloneWithItsReason() throws Exception {
        List<Path> delivered = new ArrayList<>();
        delivered.add(SharedData.rtSet().resolve("CT").resolve("CT.1.dcm"));
        for (HostileObject object : HostileObjectGenerator.all()) {
            delivered.add(object.write(dir.resolve("source")));
        }
        try (EmbeddedArchive project = new EmbeddedArchive("PROJECT", dir.resolve("project"), 0, 2)) {
            SeriesStagingSpec spec = new SeriesStagingSpec(new Delivering(delivered),
                    new EmbeddedNode("project", project), PseudonymizationProfile.builtin("rt-research"),
                    new PseudonymContext("a-study-secret-of-enough-length".getBytes(StandardCharsets.UTF_8),
                            "SUBJ-1", new ClinicalTrial("Sponsor", "P-1", null, null, null)), "1.2", "1.2.3");

            StageResult result = new StagingService(2).stage(spec);

            assertThat(result.status()).isEqualTo(StageResult.Status.FAILED);
            assertThat(result.problems()).as(String.join("\n", result.problems())).hasSize(HostileObjectGenerator.REASONS.size());
            for (HostileObject object : HostileObjectGenerator.all()) {
                assertThat(result.problems()).as(object.name()).anyMatch(p -> p.startsWith(
                        "SOP instance " + object.sopInstanceUid() + ": ") && p.contains(HostileObjectGenerator.REASONS.get(object.name())));
            }
            assertThat(project.size()).isEqualTo(1);
        }
    }

    /** A source that answers with the given files for any series. */
    private record Delivering(List<Path> files) implements SourceOnlyNode {
        @Override
        public String name() {
            return "hostile-source";
        }

        @Override
        public List<InstanceEntry> findInstances(String studyInstanceUID, String seriesInstanceUID) {
            return files.stream().map(f -> new InstanceEntry(studyInstanceUID, seriesInstanceUID,
                    f.getFileName().toString(), null, null)).toList();
        }

        @Override
        public int retrieveSeries(String studyInstanceUID, String seriesInstanceUID, InstanceConsumer consumer) {
            for (Path file : files) {
                try {
                    consumer.accept(file);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return files.size();
        }
    }
}
