package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.pseudonym.UidMapper;
import org.dicomstage.testing.CtSeriesGenerator;
import org.dicomstage.testing.DicomFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verification with the source digests recorded while staging reads only the copy: Study0 is stopped once the series
 * is staged, and verification still passes a good copy and still fails a copy with a missing or extra instance,
 * changed pixels or a source identifier left, exactly as verification that reads Study0 back does.
 */
class RecordedSourceVerificationTest {

    private static final byte[] SECRET = "recorded-digests-secret-0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final PseudonymContext CONTEXT = new PseudonymContext(SECRET, "SUBJ-7",
            new ClinicalTrial("Sponsor", "P1", "Protocol", "S1", "Site"));

    @TempDir
    Path dir;

    private EmbeddedArchive study0;
    private EmbeddedArchive project;
    private CtSeriesGenerator.Series series;
    private SeriesStagingSpec spec;
    private StageResult staged;

    @BeforeEach
    void stage() {
        series = CtSeriesGenerator.write(dir.resolve("incoming"), 4, "Becker^Matthew", "HNC-0522c0009");
        study0 = new EmbeddedArchive("STUDY0", dir.resolve("study0"), 0, 4);
        project = new EmbeddedArchive("PROJECT", dir.resolve("project"), 0, 4);
        study0.start();
        project.start();
        study0.importDirectory(dir.resolve("incoming"));
        spec = new SeriesStagingSpec(StageOneSeries.dimse("study0", study0.aeTitle(), "127.0.0.1", study0.port()),
                StageOneSeries.dimse("project", project.aeTitle(), "127.0.0.1", project.port()),
                PseudonymizationProfile.builtin("rt-research"), CONTEXT, series.studyInstanceUid(),
                series.seriesInstanceUid());
        staged = new StagingService(2).stage(spec);
        assertThat(staged.status()).as(staged.summary()).isEqualTo(StageResult.Status.STAGED);
    }

    @AfterEach
    void stop() {
        try {
            project.close();
        } finally {
            study0.close();
        }
    }

    @Test
    void aGoodCopyIsVerifiedWithStudy0StoppedAndTheReportIsTheOneReadingStudy0BackGives() {
        SeriesVerification readingStudy0 = new StagingService(2).verify(spec);
        study0.close();
        assertThatThrownBy(() -> spec.source().echo()).as("Study0 is unreachable").isInstanceOf(RuntimeException.class);

        SeriesVerification recorded = new StagingService(2).verify(spec, staged.sourceDigests());

        assertThat(recorded.problems()).isEmpty();
        assertThat(recorded.verified()).isTrue();
        assertThat(recorded.sourceInstances()).isEqualTo(4);
        assertThat(recorded.pixelDataIdentical()).isEqualTo(4);
        assertThat(recorded).isEqualTo(readingStudy0);
    }

    @Test
    void changedPixelsFailTheCopyWithoutStudy0() throws Exception {
        String sop = tamper(0, list -> {
            short[] pixels = shorts(list.get(TagFromName.PixelData)).clone();
            pixels[1000] ^= 0x7F;
            setShorts(list.get(TagFromName.PixelData), pixels);
        });

        SeriesVerification v = verifyWithStudy0Stopped();

        assertThat(v.verified()).isFalse();
        assertThat(v.problems()).containsExactly("pixel data differs from the source: SOP instance " + sop);
    }

    @Test
    void aSourceIdentifierLeftInTheCopyFailsItWithoutStudy0() throws Exception {
        String sop = tamper(1, list -> DicomFiles.set(list, "ImageComments", "seen by Becker"));

        SeriesVerification v = verifyWithStudy0Stopped();

        assertThat(v.verified()).isFalse();
        assertThat(v.identifierResidues()).isEqualTo(1);
        assertThat(v.problems()).singleElement().asString()
                .isEqualTo("source identifier left in SOP instance " + sop + " at ImageComments: 'seen by Becker'");
    }

    @Test
    void anExtraAndAMissingInstanceFailTheCopyWithoutStudy0() throws Exception {
        List<Path> copies = retrieveCopy();
        UidMapper uids = new UidMapper(SECRET);
        String targetStudy = uids.map(series.studyInstanceUid());
        String targetSeries = uids.map(series.seriesInstanceUid());
        project.deleteSeries(targetStudy, targetSeries);
        for (Path copy : copies.subList(1, copies.size())) {
            project.importFile(copy);
        }
        String missing = DicomFiles.sop(DicomFiles.read(copies.getFirst()));
        Path extra = dir.resolve("extra.dcm");
        DicomFiles.rewrite(copies.get(1), extra, list -> DicomFiles.set(list, "SOPInstanceUID", "2.25.4242"));
        project.importFile(extra);

        SeriesVerification v = verifyWithStudy0Stopped();

        assertThat(v.verified()).isFalse();
        assertThat(v.problems()).contains("missing in target: SOP instance " + missing,
                "unexpected in target: SOP instance 2.25.4242");
    }

    /**
     * The holding node is a shared archive: an instance changed there after the copy was verified (here: the
     * patient's name put back) is not sent to the project archive, and publishing names it; the rest of the copy,
     * exactly as verified, is.
     */
    @Test
    void publishingSendsOnlyTheCopyAsVerifiedAndNamesAnInstanceChangedInTheHoldingNodeSince() throws Exception {
        SeriesVerification v = new StagingService(2).verify(spec, staged.sourceDigests());
        assertThat(v.verified()).isTrue();
        assertThat(v.copy()).hasSize(4);
        String sop = tamper(2, list -> DicomFiles.set(list, "PatientName", "Becker^Matthew"));
        EmbeddedArchive published = new EmbeddedArchive("PUBLISHED", dir.resolve("published"), 0, 4);
        published.start();
        try {
            DicomNode node = StageOneSeries.dimse("published", published.aeTitle(), "127.0.0.1", published.port());
            java.util.Map<String, InstanceDigest> record = new java.util.HashMap<>();
            v.copy().forEach(d -> record.put(d.sopInstanceUID(), d));

            PublicationResult result = new StagingService(2).publish(spec, node, record);

            assertThat(result.verified()).isFalse();
            // Nothing else: the three sent compare equal to what verification read of them.
            assertThat(result.problems()).containsExactlyInAnyOrder("changed in the holding node 'project' since it"
                    + " was verified, not published: SOP instance " + sop, "instance count: verified 4, published 3",
                    "missing in the project node: SOP instance " + sop);
            UidMapper uids = new UidMapper(SECRET);
            List<String> sent = node.findInstances(uids.map(series.studyInstanceUid()),
                    uids.map(series.seriesInstanceUid())).stream().map(i -> i.sopInstanceUID()).toList();
            assertThat(sent).hasSize(3).doesNotContain(sop).allMatch(record::containsKey);
            assertThat(result.digestsCompared()).as("what was sent is the verified copy").isEqualTo(3);
        } finally {
            published.close();
        }
    }

    private SeriesVerification verifyWithStudy0Stopped() {
        study0.close();
        return new StagingService(2).verify(spec, staged.sourceDigests());
    }

    /** Rewrites the copy's {@code index}th instance in the project archive; returns its SOP Instance UID. */
    private String tamper(int index, Consumer<AttributeList> change) throws Exception {
        Path copy = retrieveCopy().get(index);
        Path changed = dir.resolve("tampered-" + index + ".dcm");
        DicomFiles.rewrite(copy, changed, change);
        project.importFile(changed);
        return DicomFiles.sop(DicomFiles.read(changed));
    }

    private List<Path> retrieveCopy() throws Exception {
        Path into = Files.createDirectories(dir.resolve("copy-" + System.nanoTime()));
        List<Path> files = new ArrayList<>();
        UidMapper uids = new UidMapper(SECRET);
        DicomNode target = spec.target();
        target.retrieveSeries(uids.map(series.studyInstanceUid()), uids.map(series.seriesInstanceUid()), file -> {
            Path kept = into.resolve(files.size() + ".dcm");
            Files.copy(file, kept);
            files.add(kept);
        });
        files.sort(java.util.Comparator.comparing(p -> {
            try {
                return DicomFiles.sop(DicomFiles.read(p));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        return files;
    }

    private static void setShorts(Attribute pixelData, short[] values) {
        try {
            pixelData.setValues(values);
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    private static short[] shorts(Attribute pixelData) {
        try {
            return pixelData.getShortValues();
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException(e);
        }
    }
}
