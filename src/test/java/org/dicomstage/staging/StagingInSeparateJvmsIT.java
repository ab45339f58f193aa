package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dicomstage.staging.StagingRoundTripIT.CONTEXT;
import static org.dicomstage.staging.StagingRoundTripIT.CT_SERIES;
import static org.dicomstage.staging.StagingRoundTripIT.RP_SOP;
import static org.dicomstage.staging.StagingRoundTripIT.RS_SOP;
import static org.dicomstage.staging.StagingRoundTripIT.SECRET;
import static org.dicomstage.staging.StagingRoundTripIT.STUDY;
import static org.dicomstage.staging.StagingRoundTripIT.dimse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.Pseudonymizer;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.pseudonym.UidMapper;
import org.dicomstage.rt.RtNode;
import org.dicomstage.rt.RtNodeKind;
import org.dicomstage.rt.RtTree;
import org.dicomstage.rt.RtTreeBuilder;
import org.dicomstage.testing.OrthancServer;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RT fixture set staged Orthanc → Orthanc over DIMSE, each series by a JVM of its own ({@link StageOneSeries}),
 * one after another and in reverse order of reference (dose first, images last), so that nothing but the study
 * secret links the runs. Afterwards, in this JVM: the service's verification is green for every series, every
 * reference resolves as PixelMed reads the copies and as dcmtk's dcmdump reads them, the RT tree of the copy has
 * no dangling reference, and every UID equals what this JVM's own Pseudonymizer makes of the source.
 */
class StagingInSeparateJvmsIT {

    private static final String PROFILE = "rt-research";
    private static final String SECRET_VARIABLE = "DICOMSTAGE_TEST_STUDY_SECRET";
    /** Dose, plan, structure set, images: each run stages objects whose references are not staged yet. */
    private static final List<String> STAGING_ORDER = List.of("RTDOSE", "RTPLAN", "RTSTRUCT", "CT");
    /** The UID attributes both readers are compared on, as dcmdump names them. */
    private static final Map<String, AttributeTag> COMPARED = compared();
    private static final Pattern DCMDUMP_UID = Pattern.compile("^\\s*\\(([0-9a-f]{4},[0-9a-f]{4})\\) UI \\[([^]]*)]");

    @TempDir
    Path temp;

    private record Run(String modality, long pid, long millis, String line) {
    }

    @Test
    void eachSeriesStagedInItsOwnJvmStillReferencesTheOthers() throws Exception {
        long started = System.nanoTime();
        try (OrthancServer study0 = OrthancServer.builder().aet("STUDY0").start();
                OrthancServer project = OrthancServer.builder().aet("PROJECT").start()) {
            assertThat(study0.uploadAll(SharedData.rtSet())).hasSize(8);
            DicomNode source = dimse("study0", study0.aet(), study0.dicomPort());
            DicomNode target = dimse("project", project.aet(), project.dicomPort());
            Map<String, SeriesEntry> seriesByModality = new LinkedHashMap<>();
            source.findSeries(STUDY).forEach(s -> seriesByModality.put(s.modality(), s));
            assertThat(seriesByModality).containsOnlyKeys(STAGING_ORDER);

            // 1. Four child JVMs, one after another, each staging one series.
            Path secretFile = writeSecretFile();
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < STAGING_ORDER.size(); i++) {
                SeriesEntry series = seriesByModality.get(STAGING_ORDER.get(i));
                // Half the runs read the secret from a file, half from the environment; both as in production.
                String secretReference = i % 2 == 0 ? "file:" + secretFile : "env:" + SECRET_VARIABLE;
                runs.add(stageInChildJvm(study0, project, series, secretReference));
            }
            Set<Long> pids = new LinkedHashSet<>();
            runs.forEach(r -> pids.add(r.pid()));
            assertThat(pids).as("one JVM per series").hasSize(4).doesNotContain(ProcessHandle.current().pid());
            assertThat(project.instanceCount()).isEqualTo(8);

            // 2. The service's verification, in this JVM, of what the other JVMs staged.
            List<SeriesEntry> allSeries = new ArrayList<>(seriesByModality.values());
            int verifiedReferences = StagingRoundTripIT.verifyEverySeries(source, target, allSeries);
            assertThat(new StagingService(2).stagedStatus(source, target, SECRET, STUDY).label()).isEqualTo("Yes");

            // 3. The copies, retrieved from the project Orthanc: references as PixelMed and dcmdump read them.
            Map<Path, AttributeList> staged = retrieveStudy(target, temp.resolve("staged"));
            assertThat(staged).hasSize(8);
            List<AttributeList> headers = new ArrayList<>(staged.values());
            int pixelMedReferences = StagingRoundTripIT.assertReferencesResolve(headers);
            StagingRoundTripIT.assertDcmdumpSeesMappedReferences(temp.resolve("staged"));
            int dcmdumpUids = assertDcmdumpReadsTheSameUidsAsPixelMed(staged);
            assertRtTreeOfTheCopyIsWhole(target, headers);

            // 4. Determinism across JVMs: the copies carry exactly the UIDs this JVM's Pseudonymizer produces.
            int comparedUids = assertSameUidsAsInProcessPseudonymizer(headers);

            System.out.printf(Locale.ROOT, "%d child JVMs, pids %s (test JVM %d), %s ms; references checked: "
                    + "verify %d, PixelMed %d; dcmdump UIDs %d; UIDs equal to in-process pseudonymizer %d; "
                    + "total %.1f s%n",
                    runs.size(), pids, ProcessHandle.current().pid(), runs.stream().map(Run::millis).toList(),
                    verifiedReferences, pixelMedReferences, dcmdumpUids, comparedUids,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /** The secret as `echo secret > file` leaves it, readable by its owner only. */
    private Path writeSecretFile() throws IOException {
        Path file = temp.resolve("study-secret");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, (new String(SECRET, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private Run stageInChildJvm(OrthancServer study0, OrthancServer project, SeriesEntry series,
            String secretReference) throws Exception {
        ClinicalTrial trial = CONTEXT.trial();
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                StageOneSeries.class.getName(),
                "--source", study0.aet() + "@" + study0.host() + ":" + study0.dicomPort(),
                "--target", project.aet() + "@" + project.host() + ":" + project.dicomPort(),
                "--study", STUDY, "--series", series.seriesInstanceUID(), "--profile", PROFILE,
                "--secret", secretReference, "--subject-id", CONTEXT.studySubjectID(),
                "--sponsor", trial.sponsorName(), "--protocol-id", trial.protocolID(),
                "--protocol-name", trial.protocolName(), "--site-id", trial.siteID(), "--site-name", trial.siteName());
        String secret = new String(SECRET, StandardCharsets.UTF_8);
        assertThat(String.join(" ", command)).as("the secret is not on the command line").doesNotContain(secret);

        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove(SECRET_VARIABLE);
        if (secretReference.startsWith("env:")) {
            builder.environment().put(SECRET_VARIABLE, secret);
        }
        long start = System.nanoTime();
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        long millis = (System.nanoTime() - start) / 1_000_000;
        String secretFrom = secretReference.substring(0, secretReference.indexOf(':'));
        String what = series.modality() + " in child JVM " + child.pid() + " (secret from " + secretFrom + "):\n"
                + output;
        assertThat(child.exitValue()).as(what).isZero();
        String line = output.lines().filter(l -> l.startsWith(StageOneSeries.RESULT_PREFIX)).findFirst().orElse("");
        int count = series.numberOfSeriesRelatedInstances();
        assertThat(line).as(what)
                .startsWith(StageOneSeries.RESULT_PREFIX + "pid=" + child.pid() + " series="
                        + series.seriesInstanceUID() + " target-series="
                        + new UidMapper(SECRET).map(series.seriesInstanceUID()) + " ")
                .contains(" STAGED " + count + " of " + count + " instances");
        assertThat(output).as(what).doesNotContain(secret);
        System.out.println(series.modality() + " (" + millis + " ms, secret from " + secretFrom + "): " + line);
        return new Run(series.modality(), child.pid(), millis, line);
    }

    /** Every staged instance over C-GET, kept as {@code <modality>/<n>.dcm}, with PixelMed's reading of it. */
    private static Map<Path, AttributeList> retrieveStudy(DicomNode target, Path into) throws IOException {
        String targetStudy = new UidMapper(SECRET).map(STUDY);
        Map<Path, AttributeList> staged = new TreeMap<>();
        for (SeriesEntry s : target.findSeries(targetStudy)) {
            Path directory = Files.createDirectories(into.resolve(s.modality()));
            target.retrieveSeries(targetStudy, s.seriesInstanceUID(), file -> {
                synchronized (staged) {
                    Path copy = directory.resolve((staged.size() + 1) + ".dcm");
                    Files.copy(file, copy);
                    staged.put(copy, Datasets.read(copy));
                }
            });
        }
        return staged;
    }

    /**
     * dcmdump (+P, at any depth) and PixelMed find the same instance, series, study and frame of reference UIDs,
     * references included, in the same numbers in every staged file. Returns the number of UIDs compared.
     */
    private static int assertDcmdumpReadsTheSameUidsAsPixelMed(Map<Path, AttributeList> staged) throws Exception {
        int compared = 0;
        for (Map.Entry<Path, AttributeList> file : staged.entrySet()) {
            List<String> command = new ArrayList<>(List.of("dcmdump", "+L"));
            COMPARED.keySet().forEach(tag -> command.addAll(List.of("+P", tag)));
            command.add(file.getKey().toString());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("dcmdump " + file.getKey() + ":\n" + dump).isZero();
            List<String> byDcmdump = new ArrayList<>();
            for (String line : dump.lines().toList()) {
                Matcher m = DCMDUMP_UID.matcher(line);
                if (m.find()) {
                    for (String uid : m.group(2).split("\\\\")) {
                        byDcmdump.add(m.group(1) + " " + uid);
                    }
                }
            }
            List<String> byPixelMed = new ArrayList<>();
            collectCompared(file.getValue(), byPixelMed);
            byDcmdump.sort(Comparator.naturalOrder());
            byPixelMed.sort(Comparator.naturalOrder());
            assertThat(byDcmdump).as("dcmdump vs PixelMed on " + file.getKey()).isNotEmpty()
                    .isEqualTo(byPixelMed).allMatch(tagAndUid -> tagAndUid.contains(" 2.25."));
            compared += byDcmdump.size();
        }
        return compared;
    }

    private static void collectCompared(AttributeList list, List<String> into) {
        for (Attribute a : list.values()) {
            if (a instanceof SequenceAttribute s) {
                for (int i = 0; i < s.getNumberOfItems(); i++) {
                    collectCompared(s.getItem(i).getAttributeList(), into);
                }
            } else {
                COMPARED.forEach((dcmdumpTag, tag) -> {
                    if (a.getTag().equals(tag)) {
                        for (String uid : StagingRoundTripIT.stringValues(a)) {
                            into.add(dcmdumpTag + " " + uid);
                        }
                    }
                });
            }
        }
    }

    private static Map<String, AttributeTag> compared() {
        Map<String, AttributeTag> tags = new LinkedHashMap<>();
        for (AttributeTag tag : List.of(TagFromName.SOPInstanceUID, TagFromName.StudyInstanceUID,
                TagFromName.SeriesInstanceUID, TagFromName.FrameOfReferenceUID, TagFromName.ReferencedSOPInstanceUID,
                TagFromName.ReferencedFrameOfReferenceUID, TagFromName.RelatedFrameOfReferenceUID)) {
            tags.put(String.format(Locale.ROOT, "%04x,%04x", tag.getGroup(), tag.getElement()), tag);
        }
        return tags;
    }

    /** The RT view of the copy: CT ← RTSTRUCT ← RTPLAN ← RTDOSE by the mapped UIDs, nothing missing. */
    private static void assertRtTreeOfTheCopyIsWhole(DicomNode target, List<AttributeList> headers) {
        UidMapper uids = new UidMapper(SECRET);
        RtTree tree = RtTreeBuilder.build(target.findSeries(uids.map(STUDY)), headers);
        assertThat(tree.nodes()).noneMatch(n -> n.isDangling() || !n.danglingReferences().isEmpty());
        RtNode ct = only(tree.roots());
        assertThat(ct.kind()).isEqualTo(RtNodeKind.IMAGE_SERIES);
        assertThat(ct.seriesInstanceUID()).isEqualTo(uids.map(CT_SERIES));
        RtNode rs = only(ct.children());
        assertThat(rs.kind()).isEqualTo(RtNodeKind.RTSTRUCT);
        assertThat(rs.sopInstanceUIDs()).containsExactly(uids.map(RS_SOP));
        RtNode rp = only(rs.children());
        assertThat(rp.kind()).isEqualTo(RtNodeKind.RTPLAN);
        assertThat(rp.sopInstanceUIDs()).containsExactly(uids.map(RP_SOP));
        assertThat(only(rp.children()).kind()).isEqualTo(RtNodeKind.RTDOSE);
    }

    /**
     * This JVM pseudonymizes the fixture files itself with the same secret; every UID attribute (class UIDs
     * included, at any depth, by path) of each copy the child JVMs staged equals that of the same instance here,
     * and the instance UIDs are this JVM's {@link UidMapper} mapping of the source's. Returns the UIDs compared.
     */
    private int assertSameUidsAsInProcessPseudonymizer(List<AttributeList> staged) throws IOException {
        UidMapper uids = new UidMapper(SECRET);
        Pseudonymizer pseudonymizer = new Pseudonymizer(PseudonymizationProfile.builtin(PROFILE), CONTEXT);
        Map<String, Map<String, String>> expected = new TreeMap<>();
        Set<String> mappedSourceSops = new java.util.TreeSet<>();
        Path out = Files.createDirectories(temp.resolve("in-process"));
        try (Stream<Path> files = Files.walk(SharedData.rtSet())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".dcm")).toList()) {
                mappedSourceSops.add(uids.map(Attribute.getSingleStringValueOrEmptyString(Datasets.read(f),
                        TagFromName.SOPInstanceUID)));
                Path written = out.resolve(f.getParent().getFileName() + "-" + f.getFileName());
                pseudonymizer.pseudonymize(f, written);
                Map<String, String> byPath = uidsByPath(Datasets.read(written));
                expected.put(byPath.get("SOPInstanceUID"), byPath);
            }
        }
        Map<String, Map<String, String>> actual = new TreeMap<>();
        for (AttributeList header : staged) {
            Map<String, String> byPath = uidsByPath(header);
            actual.put(byPath.get("SOPInstanceUID"), byPath);
        }
        assertThat(actual.keySet()).hasSize(8).isEqualTo(expected.keySet()).isEqualTo(mappedSourceSops);
        int compared = 0;
        for (String sop : expected.keySet()) {
            assertThat(actual.get(sop)).as("UIDs of " + sop).isEqualTo(expected.get(sop));
            compared += expected.get(sop).size();
        }
        return compared;
    }

    private static Map<String, String> uidsByPath(AttributeList list) {
        Map<String, String> byPath = new HashMap<>();
        StagingRoundTripIT.uidValues(list, "", (path, uid) -> assertThat(byPath.put(path, uid)).isNull());
        return byPath;
    }

    private static RtNode only(List<RtNode> nodes) {
        assertThat(nodes).hasSize(1);
        return nodes.get(0);
    }
}
