package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.pseudonym.UidMapper;
import org.dicomstage.testing.DicomFiles;
import org.dicomstage.testing.OrthancServer;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole core on the real RT fixture set: each series of CT, RTSTRUCT, RTPLAN and RTDOSE is staged in
 * its own call (by a fresh service, as separate workers or runs would), over DIMSE, and verified; the copies
 * still reference each other, as both PixelMed and dcmtk's dcmdump read them.
 */
class StagingRoundTripIT {

    static final String PID = SharedData.RT_PATIENT_ID;
    static final String STUDY = SharedData.RT_STUDY_UID;
    static final String CT_SERIES = SharedData.RT_CT_SERIES_UID;
    static final String RS_SOP = SharedData.RT_STRUCTURE_SET_SOP_UID;
    static final String RP_SOP = SharedData.RT_PLAN_SOP_UID;
    static final String CT_FRAME_OF_REFERENCE = "1.3.6.1.4.1.22213.2.26558.1";
    static final List<String> CT_SOPS = java.util.stream.IntStream.rangeClosed(57, 61)
            .mapToObj(n -> CT_SERIES + "." + n).toList();
    static final byte[] SECRET = "round-trip test secret, not a real one".getBytes(StandardCharsets.UTF_8);
    static final PseudonymContext CONTEXT = new PseudonymContext(SECRET, "HN-RT-01",
            new ClinicalTrial("Sponsor", "RT-HN-2026", "Head and neck RT", "SITE-A", "Site A"));
    static final UidMapper CONTEXT_UIDS = new UidMapper(SECRET);

    /** What PatientID and PatientName become under the study's profile. */
    static final String PSEUDONYM = new org.dicomstage.pseudonym.Pseudonymizer(
            PseudonymizationProfile.builtin("rt-research"), CONTEXT).patientPseudonym();

    @TempDir
    Path temp;

    @Test
    void embeddedToEmbeddedOverDimseStagesVerifiesAndKeepsReferences() throws Exception {
        try (EmbeddedPair archives = embeddedPair(SharedData.rtSet())) {
            assertThat(archives.imported()).isEqualTo(8);
            EmbeddedArchive project = archives.project();
            DicomNode source = archives.source();
            DicomNode target = archives.target();

            assertThat(new StagingService(2).stagedStatus(source, target, SECRET, STUDY).label()).isEqualTo("No");
            stageAndVerifyEverySeries(source, target);

            assertThat(new StagingService(2).stagedStatus(source, target, SECRET, STUDY).label()).isEqualTo("Yes");
            assertReferencesResolve(target);
            assertDcmdumpSeesMappedReferences(project.storageDirectory());

            // Staging the same series again replaces the same instances: no duplicates, same UIDs.
            Set<String> before = sopUids(target);
            StageResult again = new StagingService(2).stage(spec(source, target, CT_SERIES));
            assertThat(again.status()).isEqualTo(StageResult.Status.STAGED);
            assertThat(sopUids(target)).isEqualTo(before).hasSize(8);
            assertThat(project.size()).isEqualTo(8);
        }
    }

    @Test
    void orthancToOrthancOverDimseStagesAndVerifies() throws Exception {
        try (OrthancServer study0 = OrthancServer.builder().aet("STUDY0").start();
                OrthancServer project = OrthancServer.builder().aet("PROJECT").start()) {
            study0.uploadAll(SharedData.rtSet());
            DicomNode source = dimse("study0", study0.aet(), study0.dicomPort());
            DicomNode target = dimse("project", project.aet(), project.dicomPort());

            List<SeriesEntry> series = stageAndVerifyEverySeries(source, target);
            // What staging recorded of Study0 is all verification needs: Study0 unreachable, the copy verifies.
            verifyEverySeriesFromRecords(unreachable("study0"), target, series);

            assertThat(project.instanceCount()).isEqualTo(8);
            assertReferencesResolve(target);
            assertThat(new StagingService(2).stagedStatus(source, target, SECRET, STUDY).label()).isEqualTo("Yes");
        }
    }

    @Test
    void aSeriesVerifiedOverTwoAssociationsIsCheckedWholeInTheListingsOrder() throws Exception {
        Path generated = temp.resolve("ct40");
        org.dicomstage.testing.CtSeriesGenerator.Series ct = org.dicomstage.testing.CtSeriesGenerator.write(
                generated, 40, "Split^Series", "PID-SPLIT");
        try (OrthancServer study0 = OrthancServer.builder().aet("STUDY0").start();
                OrthancServer project = OrthancServer.builder().aet("PROJECT").start()) {
            study0.uploadAll(generated);
            DicomNode source = dimse("study0", study0.aet(), study0.dicomPort());
            DicomNode target = dimse("project", project.aet(), project.dicomPort());
            SeriesStagingSpec spec = new SeriesStagingSpec(source, target,
                    PseudonymizationProfile.builtin("rt-research"), CONTEXT, ct.studyInstanceUid(),
                    ct.seriesInstanceUid());
            StageResult staged = new StagingService(2).stage(spec);
            assertThat(staged.status()).isEqualTo(StageResult.Status.STAGED);

            SeriesVerification one = new StagingService(2, 1).verify(spec, staged.sourceDigests());
            SeriesVerification split = new StagingService(2, 2).verify(spec, staged.sourceDigests());

            assertThat(split.verified()).as(String.join("; ", split.problems())).isTrue();
            assertThat(split.pixelDigestsCompared()).isEqualTo(40);
            assertThat(split).isEqualTo(one);

            // A copy that lost an instance is caught the same way over two associations.
            String targetStudy = CONTEXT_UIDS.map(ct.studyInstanceUid());
            String targetSeries = CONTEXT_UIDS.map(ct.seriesInstanceUid());
            String lost = target.findInstances(targetStudy, targetSeries).get(25).sopInstanceUID();
            project.deleteInstance(lost);
            SeriesVerification missing = new StagingService(2, 2).verify(spec, staged.sourceDigests());
            assertThat(missing.verified()).isFalse();
            assertThat(missing.problems()).contains("missing in target: SOP instance " + lost);
            assertThat(missing.pixelDigestsCompared()).isEqualTo(39);
        }
    }

    @Test
    void aCorruptInstanceFailsItsSeriesWithAClearMessageWhileOtherSeriesSucceed() throws Exception {
        Path corruptSet = temp.resolve("corrupt-set");
        copyTree(SharedData.rtSet(), corruptSet);
        // Cut one CT slice inside its pixel data: still transferable as bytes, no longer a valid dataset.
        Path slice = corruptSet.resolve("CT").resolve("CT.3.dcm");
        byte[] bytes = Files.readAllBytes(slice);
        try (EmbeddedPair archives = embeddedPair(corruptSet)) {
            Path stored = findStoredFile(archives.study0().storageDirectory(), CT_SERIES + ".59");
            Files.write(stored, java.util.Arrays.copyOf(Files.readAllBytes(stored), bytes.length / 2));
            DicomNode source = archives.source();
            DicomNode target = archives.target();
            StagingService staging = new StagingService(2);

            StageResult ct = staging.stage(spec(source, target, CT_SERIES));
            StageResult plan = staging.stage(spec(source, target, seriesOf(source, "RTPLAN")));

            assertThat(ct.status()).isEqualTo(StageResult.Status.FAILED);
            assertThat(ct.stagedInstances()).isEqualTo(4);
            assertThat(ct.summary()).contains("4 of 5 instances");
            assertThat(ct.problems()).singleElement().asString()
                    .startsWith("SOP instance " + CT_SERIES + ".59: ").contains("truncated").doesNotContain("/tmp");
            assertThat(plan.status()).isEqualTo(StageResult.Status.STAGED);
            SeriesVerification verification = staging.verify(spec(source, target, CT_SERIES));
            assertThat(verification.verified()).isFalse();
            assertThat(verification.problems()).anyMatch(p -> p.contains("instance count"));
        }
    }

    @Test
    void aSliceWithBurnedInAnnotationFailsItsSeriesNamingTheInstanceAndTheRule() throws Exception {
        Path set = temp.resolve("flagged-set");
        copyTree(SharedData.rtSet(), set);
        DicomFiles.rewrite(SharedData.rtSet().resolve("CT").resolve("CT.3.dcm"), set.resolve("CT").resolve("CT.3.dcm"),
                list -> DicomFiles.set(list, "BurnedInAnnotation", "YES"));
        try (EmbeddedPair archives = embeddedPair(set)) {
            DicomNode source = archives.source();
            DicomNode target = archives.target();

            StageResult ct = new StagingService(2).stage(spec(source, target, CT_SERIES));

            assertThat(ct.status()).isEqualTo(StageResult.Status.FAILED);
            assertThat(ct.problems()).singleElement().asString().startsWith("SOP instance " + CT_SERIES + ".59: ")
                    .contains("refused by pixel rule 'default: BurnedInAnnotation YES'").doesNotContain("/tmp");
            assertThat(sopUids(target)).hasSize(4).doesNotContain(CONTEXT_UIDS.map(CT_SERIES + ".59"));
            assertThat(new StagingService(2).verify(spec(source, target, CT_SERIES)).verified()).isFalse();
        }
    }

    @Test
    void aMaskedSeriesIsVerifiedOutsideItsRectanglesAndAWrongMaskIsNot() throws Exception {
        Path set = temp.resolve("acme-set");
        copyTree(SharedData.rtSet(), set);
        for (int i = 1; i <= 5; i++) {
            Path slice = set.resolve("CT").resolve("CT." + i + ".dcm");
            DicomFiles.rewrite(SharedData.rtSet().resolve("CT").resolve("CT." + i + ".dcm"), slice, list -> {
                DicomFiles.set(list, "Manufacturer", "ACME");
                DicomFiles.set(list, "ManufacturerModelName", "Scan 1");
                DicomFiles.set(list, "BurnedInAnnotation", "YES");
            });
        }
        try (EmbeddedPair archives = embeddedPair(set)) {
            DicomNode source = archives.source();
            DicomNode target = archives.target();
            SeriesStagingSpec masking = maskingSpec(source, target, "{ x: 200, y: 200, width: 100, height: 40 }");

            StageResult staged = new StagingService(2).stage(masking);
            SeriesVerification verified = new StagingService(2).verify(masking);

            assertThat(staged.status()).as(staged.summary()).isEqualTo(StageResult.Status.STAGED);
            assertThat(verified.problems()).isEmpty();
            assertThat(verified.verified()).isTrue();
            // Verified against another rectangle, the same copies fail: the check does not pass whatever it gets.
            SeriesVerification wrong = new StagingService(2).verify(
                    maskingSpec(source, target, "{ x: 100, y: 300, width: 100, height: 40 }"));
            assertThat(wrong.verified()).isFalse();
            assertThat(wrong.problems()).hasSize(5).allSatisfy(p -> assertThat(p)
                    .contains("masked pixel data (rule 'ACME banner') is wrong"));
            // The same with what staging recorded of the source instead of reading it back.
            assertThat(new StagingService(2).verify(masking, staged.sourceDigests())).isEqualTo(verified);
            assertThat(new StagingService(2).verify(maskingSpec(source, target,
                    "{ x: 100, y: 300, width: 100, height: 40 }"), staged.sourceDigests())).isEqualTo(wrong);
        }
    }

    /** Study0 and the project archive, embedded and reached over DIMSE, with {@code set} imported into Study0. */
    private record EmbeddedPair(EmbeddedArchive study0, EmbeddedArchive project, int imported, DicomNode source,
            DicomNode target) implements AutoCloseable {

        @Override
        public void close() {
            try (study0) {
                project.close();
            }
        }
    }

    private EmbeddedPair embeddedPair(Path set) {
        EmbeddedArchive study0 = new EmbeddedArchive("STUDY0", temp.resolve("study0"), 0, 4);
        EmbeddedArchive project = new EmbeddedArchive("PROJECT", temp.resolve("project"), 0, 4);
        study0.start();
        project.start();
        int imported = study0.importDirectory(set);
        return new EmbeddedPair(study0, project, imported, dimse("study0", study0.aeTitle(), study0.port()),
                dimse("project", project.aeTitle(), project.port()));
    }

    private static SeriesStagingSpec maskingSpec(DicomNode source, DicomNode target, String rectangle) {
        PseudonymizationProfile profile = PseudonymizationProfile.parse("""
                name: acme-masking
                pixelData:
                  - name: ACME banner
                    match: { manufacturer: ACME, model: Scan 1, rows: 512, columns: 512 }
                    action: mask
                    rectangles: [ %s ]
                """.formatted(rectangle));
        return new SeriesStagingSpec(source, target, profile, CONTEXT, STUDY, CT_SERIES);
    }

    private List<SeriesEntry> stageAndVerifyEverySeries(DicomNode source, DicomNode target) {
        List<SeriesEntry> series = source.findSeries(STUDY);
        assertThat(series).extracting(SeriesEntry::modality)
                .containsExactlyInAnyOrder("CT", "RTSTRUCT", "RTPLAN", "RTDOSE");
        for (SeriesEntry s : series) {
            // A fresh service per series: nothing but the study secret links the calls.
            StageResult result = new StagingService(2).stage(spec(source, target, s.seriesInstanceUID()));
            assertThat(result.status()).as(result.summary()).isEqualTo(StageResult.Status.STAGED);
            recorded.put(s.seriesInstanceUID(), result.sourceDigests());
            assertThat(result.stagedInstances()).isEqualTo(s.numberOfSeriesRelatedInstances());
        }
        verifyEverySeries(source, target, series);
        return series;
    }

    /**
     * The service's own verification of each staged series, each by a fresh service: green, with no dangling
     * reference. Returns the number of references the verifications followed.
     */
    static int verifyEverySeries(DicomNode source, DicomNode target, List<SeriesEntry> series) {
        int references = 0;
        for (SeriesEntry s : series) {
            SeriesVerification v = new StagingService(2).verify(spec(source, target, s.seriesInstanceUID()));
            assertThat(v.problems()).as(s.modality()).isEmpty();
            assertThat(v.warnings()).as(s.modality()).isEmpty();
            assertThat(v.verified()).isTrue();
            assertThat(v.targetInstances()).isEqualTo(s.numberOfSeriesRelatedInstances());
            references += v.referencesChecked();
        }
        return references;
    }

    /** What staging recorded of each series' source, by source series UID. */
    private final Map<String, SourceDigests> recorded = new java.util.HashMap<>();

    /** As {@link #verifyEverySeries}, with the source digests staging recorded instead of reading the source back. */
    private void verifyEverySeriesFromRecords(DicomNode source, DicomNode target, List<SeriesEntry> series) {
        for (SeriesEntry s : series) {
            SeriesVerification v = new StagingService(2).verify(spec(source, target, s.seriesInstanceUID()),
                    recorded.get(s.seriesInstanceUID()));
            assertThat(v.problems()).as(s.modality()).isEmpty();
            assertThat(v.warnings()).as(s.modality()).isEmpty();
            assertThat(v.verified()).isTrue();
            assertThat(v.sourceInstances()).isEqualTo(s.numberOfSeriesRelatedInstances());
            assertThat(v.targetInstances()).isEqualTo(s.numberOfSeriesRelatedInstances());
        }
    }

    /** A DIMSE node on a port nothing listens on. */
    private static DicomNode unreachable(String name) throws IOException {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DicomNode node = dimse(name, "STUDY0", port);
        assertThatThrownBy(node::echo).as("nothing answers on port " + port).isInstanceOf(RuntimeException.class);
        return node;
    }

    /** {@link #assertReferencesResolve(List)} on the headers the target node returns for the staged study. */
    static int assertReferencesResolve(DicomNode target) {
        String targetStudy = new UidMapper(SECRET).map(STUDY);
        List<AttributeList> headers = new ArrayList<>();
        for (SeriesEntry s : target.findSeries(targetStudy)) {
            headers.addAll(target.retrieveHeaders(targetStudy, s.seriesInstanceUID()));
        }
        return assertReferencesResolve(headers);
    }

    /**
     * As PixelMed reads the staged instances: every reference they make (ReferencedSOPInstanceUID,
     * Referenced/RelatedFrameOfReferenceUID, and series, study and frame of reference UIDs inside reference
     * sequences) names an object of the staged study, no source UID is left anywhere, and the chain holds by the
     * mapped UIDs: RTSTRUCT → the 5 CT slices, their series and frame of reference; RTPLAN → RTSTRUCT;
     * RTDOSE → RTPLAN and RTSTRUCT. Returns the number of references checked.
     */
    static int assertReferencesResolve(List<AttributeList> staged) {
        UidMapper uids = new UidMapper(SECRET);
        Map<String, AttributeList> byModality = new HashMap<>();
        Set<String> stagedObjects = new HashSet<>();
        Set<String> ctSops = new TreeSet<>();
        for (AttributeList header : staged) {
            String modality = value(header, TagFromName.Modality);
            byModality.putIfAbsent(modality, header);
            if (modality.equals("CT")) {
                ctSops.add(value(header, TagFromName.SOPInstanceUID));
            }
            for (AttributeTag tag : List.of(TagFromName.SOPInstanceUID, TagFromName.SeriesInstanceUID,
                    TagFromName.StudyInstanceUID, TagFromName.FrameOfReferenceUID)) {
                if (!value(header, tag).isEmpty()) {
                    stagedObjects.add(value(header, tag));
                }
            }
        }
        assertThat(byModality).containsOnlyKeys("CT", "RTSTRUCT", "RTPLAN", "RTDOSE");
        assertThat(ctSops).containsExactlyInAnyOrderElementsOf(CT_SOPS.stream().map(uids::map).toList());

        List<String> unresolved = new ArrayList<>();
        List<String> sourceUidsLeft = new ArrayList<>();
        Set<String> sourceUids = sourceUids();
        int checked = 0;
        for (AttributeList header : staged) {
            String sop = value(header, TagFromName.Modality) + " " + value(header, TagFromName.SOPInstanceUID);
            assertThat(value(header, TagFromName.PatientID)).as(sop).isEqualTo(PSEUDONYM);
            for (String reference : references(header)) {
                checked++;
                if (!stagedObjects.contains(reference)) {
                    unresolved.add(sop + " -> " + reference);
                }
            }
            uidValues(header, "", (path, uid) -> {
                if (sourceUids.contains(uid)) {
                    sourceUidsLeft.add(sop + " " + path + " = " + uid);
                }
            });
        }
        assertThat(unresolved).as("references to objects that are not staged").isEmpty();
        assertThat(sourceUidsLeft).as("source UIDs left in the copies").isEmpty();

        AttributeList rs = byModality.get("RTSTRUCT");
        assertThat(referencedSops(rs)).containsAll(ctSops).contains(uids.map(STUDY));
        assertThat(references(rs)).contains(uids.map(CT_SERIES), uids.map(CT_FRAME_OF_REFERENCE));
        assertThat(referencedSops(byModality.get("RTPLAN"))).containsExactly(uids.map(RS_SOP));
        assertThat(referencedSops(byModality.get("RTDOSE"))).containsExactlyInAnyOrder(uids.map(RP_SOP),
                uids.map(RS_SOP));
        return checked;
    }

    private static final Set<AttributeTag> REFERENCE_TAGS = Set.of(TagFromName.ReferencedSOPInstanceUID,
            TagFromName.ReferencedFrameOfReferenceUID, TagFromName.RelatedFrameOfReferenceUID);
    /** Inside a reference sequence's item these name the referenced series, study or frame of reference. */
    private static final Set<AttributeTag> ITEM_REFERENCE_TAGS = Set.of(TagFromName.SeriesInstanceUID,
            TagFromName.StudyInstanceUID, TagFromName.FrameOfReferenceUID);

    /** Every UID the instance references, at any depth, in the order they occur. */
    static List<String> references(AttributeList list) {
        List<String> found = new ArrayList<>();
        collectReferences(list, false, found);
        return found;
    }

    private static void collectReferences(AttributeList list, boolean inItem, List<String> found) {
        for (Attribute a : list.values()) {
            if (a instanceof SequenceAttribute s) {
                for (int i = 0; i < s.getNumberOfItems(); i++) {
                    collectReferences(s.getItem(i).getAttributeList(), true, found);
                }
            } else if (REFERENCE_TAGS.contains(a.getTag()) || inItem && ITEM_REFERENCE_TAGS.contains(a.getTag())) {
                for (String v : stringValues(a)) {
                    found.add(v);
                }
            }
        }
    }

    /** Every instance, series, study and frame of reference UID of the fixture set (class UIDs aside). */
    static Set<String> sourceUids() {
        Set<String> found = new HashSet<>();
        try (Stream<Path> files = Files.walk(SharedData.rtSet())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".dcm")).toList()) {
                uidValues(Datasets.read(f), "", (path, uid) -> {
                    if (!path.endsWith("ClassUID") && !UidMapper.isStandardUid(uid)) {
                        found.add(uid);
                    }
                });
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(found).contains(STUDY, CT_SERIES, RS_SOP, RP_SOP, CT_FRAME_OF_REFERENCE);
        return found;
    }

    /**
     * Each UID value of the dataset outside the file meta group, with its path (for example
     * {@code ROIContourSequence[0].ContourSequence[2].ContourImageSequence[0].ReferencedSOPInstanceUID}).
     */
    static void uidValues(AttributeList list, String prefix, java.util.function.BiConsumer<String, String> sink) {
        for (Attribute a : list.values()) {
            if (a.getGroup() == 0x0002) {
                continue;
            }
            String keyword = AttributeList.getDictionary().getNameFromTag(a.getTag());
            String path = prefix + (keyword != null ? keyword : a.getTag().toString());
            if (a instanceof SequenceAttribute s) {
                for (int i = 0; i < s.getNumberOfItems(); i++) {
                    uidValues(s.getItem(i).getAttributeList(), path + "[" + i + "].", sink);
                }
            } else if (ValueRepresentation.isUniqueIdentifierVR(a.getVR())) {
                String[] values = stringValues(a);
                for (int i = 0; i < values.length; i++) {
                    sink.accept(values.length == 1 ? path : path + "\\" + i, values[i]);
                }
            }
        }
    }

    static String[] stringValues(Attribute a) {
        try {
            String[] values = a.getStringValues();
            return values == null ? new String[0] : values;
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException("unreadable " + a.getTag(), e);
        }
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }

    private static Set<String> referencedSops(AttributeList list) {
        Set<String> found = new TreeSet<>();
        collect(list, found);
        return found;
    }

    private static void collect(AttributeList list, Set<String> found) {
        for (Attribute a : list.values()) {
            if (a instanceof SequenceAttribute s) {
                for (int i = 0; i < s.getNumberOfItems(); i++) {
                    collect(s.getItem(i).getAttributeList(), found);
                }
            } else if (a.getTag().equals(TagFromName.ReferencedSOPInstanceUID)) {
                found.add(a.getSingleStringValueOrEmptyString());
            }
        }
    }

    /** dcmdump, an independent reader, sees the mapped RTSTRUCT UID in the staged plan. */
    static void assertDcmdumpSeesMappedReferences(Path projectStore) throws Exception {
        UidMapper uids = new UidMapper(SECRET);
        List<String> dumps = new ArrayList<>();
        try (Stream<Path> files = Files.walk(projectStore)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".dcm")).toList()) {
                Process p = new ProcessBuilder("dcmdump", "+P", "0008,1155", "+P", "0010,0020", f.toString())
                        .redirectErrorStream(true).start();
                String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                dumps.add(dump);
                assertThat(p.waitFor()).as("dcmdump " + f + ":\n" + dump).isZero();
            }
        }
        String all = String.join("\n", dumps);
        assertThat(all).contains(uids.map(RS_SOP)).contains(uids.map(RP_SOP)).contains("[" + PSEUDONYM + "]");
        assertThat(all).doesNotContain(RS_SOP + "]").doesNotContain(PID);
    }

    private static Set<String> sopUids(DicomNode target) {
        Set<String> all = new TreeSet<>();
        String targetStudy = new UidMapper(SECRET).map(STUDY);
        for (SeriesEntry s : target.findSeries(targetStudy)) {
            target.findInstances(targetStudy, s.seriesInstanceUID()).forEach(i -> all.add(i.sopInstanceUID()));
        }
        return all;
    }

    private static String seriesOf(DicomNode node, String modality) {
        return node.findSeries(STUDY).stream().filter(s -> s.modality().equals(modality)).findFirst()
                .orElseThrow().seriesInstanceUID();
    }

    static SeriesStagingSpec spec(DicomNode source, DicomNode target, String series) {
        return new SeriesStagingSpec(source, target, PseudonymizationProfile.builtin("rt-research"), CONTEXT, STUDY,
                series);
    }

    static DicomNode dimse(String name, String aeTitle, int port) {
        return StageOneSeries.dimse(name, aeTitle, "127.0.0.1", port);
    }

    private static Path findStoredFile(Path store, String sopInstanceUID) throws IOException {
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(p -> p.getFileName().toString().startsWith(sopInstanceUID)).findFirst().orElseThrow();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
