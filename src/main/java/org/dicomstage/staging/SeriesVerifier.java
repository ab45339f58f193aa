package org.dicomstage.staging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.InstanceEntry;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.pseudonym.PixelRules;
import org.dicomstage.pseudonym.UidMapper;

/**
 * Proves a staged series: reads back the project node and compares it with the source.
 *
 * <ul>
 *   <li>the target holds as many instances as the source, with exactly the expected mapped SOP Instance UIDs;</li>
 *   <li>no source identifier is left in any staged header: patient IDs, names, accession numbers, original
 *       UIDs, at any depth, private tags included;</li>
 *   <li>each target instance's pixel data is bit-identical to its source's; where a pixel rule masked it, its
 *       decoded pixels equal the source's outside the rule's rectangles, and each rectangle holds one value;</li>
 *   <li>every reference inside staged objects resolves to a staged object, or is reported as dangling.</li>
 * </ul>
 */
final class SeriesVerifier {

    /** Shorter name parts ("DR", "RT") occur in legitimate text too; only distinctive parts count as residues. */
    private static final int MIN_NAME_PART_LENGTH = 4;

    private static final int FILE_META_GROUP = 0x0002;

    /**
     * What the pseudonymizer itself writes, in the standard's words ("Retain Safe Private Option", "Clean Pixel
     * Data", ...): a patient whose name is one of those words ("Private", "Basic", "Safe") must not fail every copy.
     * Source identifiers and UIDs are still looked for there.
     */
    private static final Set<AttributeTag> METHOD_TEXT = Set.of(TagFromName.DeidentificationMethod,
            TagFromName.DeidentificationMethodCodeSequence);

    /** Debian's PixelMed lacks some RT keywords in TagFromName; its dictionary still knows them. */
    private static final AttributeTag ReferencedFrameOfReferenceSequence =
            org.dicomstage.dicom.DicomTags.byKeyword("ReferencedFrameOfReferenceSequence");

    /** Attributes that only ever hold references to other instances, series or frames of reference. */
    private static final Set<AttributeTag> REFERENCE_TAGS = Set.of(
            TagFromName.ReferencedSOPInstanceUID,
            TagFromName.ReferencedFrameOfReferenceUID,
            TagFromName.RelatedFrameOfReferenceUID);

    /** Reads the source back as well: for a series staged before digests were recorded while staging. */
    SeriesVerification verify(SeriesStagingSpec spec) {
        List<String> problems = new ArrayList<>();
        SourceDigests source = readSource(spec, problems);
        return verify(spec, source, 1, problems, dangling -> DanglingReferences.describe(dangling, spec.source(),
                spec.studyInstanceUID(), new UidMapper(spec.context().studySecret()), spec.target().name()));
    }

    /**
     * Reads only the target back and compares it with what staging recorded of the source.
     *
     * @param associations how many associations to the target the caller holds slots for
     * @param namer        names dangling references in a reviewer's words; only called when there are some
     */
    SeriesVerification verify(SeriesStagingSpec spec, SourceDigests recorded, int associations,
                              DanglingNamer namer) {
        return verify(spec, recorded, associations, new ArrayList<>(), namer);
    }

    /** Turns the copy's dangling references (keyed UID to the label of the object referencing it) into warnings. */
    interface DanglingNamer {
        List<String> describe(Map<String, String> dangling);
    }

    /** What the source tells, read from the source node itself: the listing, then each delivered instance. */
    static SourceDigests readSource(SeriesStagingSpec spec, List<String> problems) {
        UidMapper uids = new UidMapper(spec.context().studySecret());
        SourceDigests.Collector collector = new SourceDigests.Collector(uids, spec.profile());
        List<InstanceEntry> listed = spec.source().findInstances(spec.studyInstanceUID(), spec.seriesInstanceUID());
        collector.listed(listed.stream().map(InstanceEntry::sopInstanceUID).toList());
        spec.source().retrieveSeries(spec.studyInstanceUID(), spec.seriesInstanceUID(), listed, file -> {
            try {
                collector.retrieved(file);
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                problems.add("source instance unreadable: " + e.getMessage());
            }
        });
        return collector.result();
    }

    private SeriesVerification verify(SeriesStagingSpec spec, SourceDigests source, int associations,
                                      List<String> problems, DanglingNamer namer) {
        UidMapper uids = new UidMapper(spec.context().studySecret());
        String series = spec.seriesInstanceUID();
        String targetStudy = uids.map(spec.studyInstanceUID());
        String targetSeries = uids.map(series);
        List<String> warnings = new ArrayList<>();

        // 1. Counts and the exact set of expected SOP Instance UIDs.
        List<InstanceEntry> targetInstances = spec.target().findInstances(targetStudy, targetSeries);
        Set<String> expectedUids = new TreeSet<>();
        source.instances().values().stream().filter(SourceDigests.Instance::listed)
                .forEach(i -> expectedUids.add(i.targetSopInstanceUID()));
        int sourceCount = expectedUids.size();
        Set<String> actualUids = new TreeSet<>();
        targetInstances.forEach(i -> actualUids.add(i.sopInstanceUID()));
        if (sourceCount == 0) {
            problems.add("the source node '" + spec.source().name() + "' has no instances of series " + series);
        }
        if (targetInstances.size() != sourceCount) {
            problems.add("instance count: source " + sourceCount + ", target " + targetInstances.size());
        }
        Set<String> missing = new TreeSet<>(expectedUids);
        missing.removeAll(actualUids);
        Set<String> unexpected = new TreeSet<>(actualUids);
        unexpected.removeAll(expectedUids);
        missing.forEach(uid -> problems.add("missing in target: SOP instance " + uid));
        unexpected.forEach(uid -> problems.add("unexpected in target: SOP instance " + uid));

        // 2. What the source told: pixel digests by expected target UID, and every identifier it carries.
        Map<String, String> expectedDigests = new HashMap<>();
        Map<String, CopyExaminer.Masked> masked = new HashMap<>();
        Map<String, String> labelOfCopy = new HashMap<>();
        for (SourceDigests.Instance i : source.instances().values()) {
            if (!i.retrieved()) {
                continue;
            }
            if (i.maskRule() != null) {
                PixelRules.Rule rule = spec.profile().pixelRules().rules().stream()
                        .filter(r -> r.name().equals(i.maskRule())).findFirst().orElse(null);
                if (rule == null) {
                    problems.add("the pixel rule '" + i.maskRule() + "' that masked SOP instance "
                            + i.targetSopInstanceUID() + " is no longer in profile " + spec.profile().name());
                } else {
                    masked.put(i.targetSopInstanceUID(), new CopyExaminer.Masked(rule, i.pixelDigest()));
                }
            } else if (i.pixelDigest() != null) {
                expectedDigests.put(i.targetSopInstanceUID(), i.pixelDigest());
            }
            labelOfCopy.put(i.targetSopInstanceUID(), i.label());
        }
        Identifiers identifiers = new Identifiers(new HashSet<>(source.identifiers().values()),
                new HashSet<>(source.identifiers().nameParts()), new HashSet<>(source.identifiers().uids()));
        // The pseudonym legitimately appears in the copy even if it happens to be part of a source value.
        identifiers.values().removeIf(id -> containsIgnoreCase(spec.context().studySubjectID(), id));
        identifiers.nameParts().removeIf(part -> containsIgnoreCase(spec.context().studySubjectID(), part));
        Set<String> sourceUids = identifiers.uids();

        // 3. Read the target: residues, pixel digests, and the references it makes; over as many associations as
        // the caller holds slots for, merged in the listing's order.
        CopyExaminer examiner = new CopyExaminer(expectedDigests, masked, identifiers, labelOfCopy);
        Set<String> referenced = new LinkedHashSet<>();
        Map<String, String> referencedBy = new HashMap<>();
        int digestsCompared = 0;
        int digestsDiffering = 0;
        int residues = 0;
        Set<String> patientIds = new LinkedHashSet<>();
        Set<String> patientNames = new LinkedHashSet<>();
        Set<String> methods = new LinkedHashSet<>();
        List<InstanceDigest> copy = new ArrayList<>();
        for (CopyExaminer.Examined examined : SplitRetrieval.retrieve(spec.target(), targetStudy, targetSeries,
                targetInstances, associations, examiner::examine, CopyExaminer.Examined::sopInstanceUID)) {
            problems.addAll(examined.problems());
            digestsCompared += examined.digestCompared() ? 1 : 0;
            digestsDiffering += examined.digestDiffers() ? 1 : 0;
            residues += examined.residues();
            if (examined.sopInstanceUID() != null) {
                copy.add(examined.digest());
                patientIds.add(examined.patientId());
                patientNames.add(examined.patientName());
            }
            methods.addAll(examined.methods());
            for (String ref : examined.references()) {
                referenced.add(ref);
                referencedBy.putIfAbsent(ref, examined.label());
            }
        }

        // 4. References resolve to staged objects (instances or frames of reference) in the target study.
        Map<String, String> dangling = new java.util.LinkedHashMap<>();
        if (!referenced.isEmpty()) {
            Set<String> staged = stagedObjectsOf(spec.target(), targetStudy);
            for (String ref : referenced) {
                if (!sourceUids.contains(ref) && !staged.contains(ref)) { // a source UID is reported as a residue
                    dangling.put(ref, referencedBy.get(ref));
                }
            }
            if (!dangling.isEmpty()) {
                warnings.addAll(namer.describe(dangling));
            }
        }

        SeriesVerification.Status status = problems.isEmpty()
                ? SeriesVerification.Status.VERIFIED : SeriesVerification.Status.FAILED;
        return new SeriesVerification(series, targetSeries, status, sourceCount, targetInstances.size(),
                digestsCompared, digestsCompared - digestsDiffering, referenced.size(), dangling.size(),
                residues, new SeriesVerification.CopyIdentity(List.copyOf(patientIds), List.copyOf(patientNames),
                List.copyOf(methods)), problems, warnings, status == SeriesVerification.Status.VERIFIED ? copy
                : List.of());
    }

    /** SOP instance UIDs, series UIDs and frames of reference that exist in the target study. */
    private static Set<String> stagedObjectsOf(DicomNode target, String targetStudy) {
        Set<String> staged = new HashSet<>();
        // RTReferencedStudySequence references the study itself by ReferencedSOPInstanceUID.
        staged.add(targetStudy);
        for (SeriesEntry s : target.findSeries(targetStudy)) {
            staged.add(s.seriesInstanceUID());
            for (InstanceEntry i : target.findInstances(targetStudy, s.seriesInstanceUID())) {
                staged.add(i.sopInstanceUID());
            }
            for (AttributeList header : target.retrieveHeaders(targetStudy, s.seriesInstanceUID())) {
                String frame = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.FrameOfReferenceUID);
                if (!frame.isEmpty()) {
                    staged.add(frame);
                }
                collectReferencedFramesDeclared(header, staged);
            }
        }
        return staged;
    }

    /** Frames of reference a structure set declares itself (they may have no image series of their own). */
    private static void collectReferencedFramesDeclared(AttributeList list, Set<String> into) {
        Attribute seq = list.get(ReferencedFrameOfReferenceSequence);
        if (seq instanceof SequenceAttribute s) {
            for (int i = 0; i < s.getNumberOfItems(); i++) {
                String frame = Attribute.getSingleStringValueOrEmptyString(s.getItem(i).getAttributeList(),
                        TagFromName.FrameOfReferenceUID);
                if (!frame.isEmpty()) {
                    into.add(frame);
                }
            }
        }
    }

    /**
     * What a source series says about who the patient is: identifier values (IDs, whole names), looked for
     * anywhere in the copy's text; name parts, looked for as whole words (a surname inside "Beckerstraße" or a
     * reviewer called Demo inside "DemoCorp" is not the patient); and instance UIDs, looked for as tokens.
     */
    record Identifiers(Set<String> values, Set<String> nameParts, Set<String> uids) {
        Identifiers() {
            this(new HashSet<>(), new HashSet<>(), new HashSet<>());
        }
    }

    static void collectIdentifiers(AttributeList list, Identifiers identifiers) {
        collectIdentifiers(list, identifiers, tag -> false);
    }

    /** @param keptUnchanged UID attributes the profile copies unchanged (Device UID under Retain Device Identity) */
    static void collectIdentifiers(AttributeList list, Identifiers identifiers, Predicate<AttributeTag> keptUnchanged) {
        Set<String> uids = identifiers.uids();
        for (Attribute a : list.values()) {
            if (a.getGroup() == FILE_META_GROUP) {
                continue; // transport: the writing toolkit's ImplementationClassUID is nobody's identifier
            }
            if (a instanceof SequenceAttribute s) {
                for (SequenceItem item : iterable(s)) {
                    collectIdentifiers(item.getAttributeList(), identifiers, keptUnchanged);
                }
                continue;
            }
            byte[] vr = a.getVR();
            AttributeTag tag = a.getTag();
            if (ValueRepresentation.isUniqueIdentifierVR(vr)) {
                if (isClassUid(tag) || keptUnchanged.test(tag)) {
                    continue; // names a class, never an instance, or an Option retains it: the copy keeps it too
                }
                for (String v : values(a)) {
                    if (!v.isEmpty() && !UidMapper.isStandardUid(v)) {
                        uids.add(v);
                    }
                }
            } else if (ValueRepresentation.isPersonNameVR(vr)) {
                for (String v : values(a)) {
                    addName(v, identifiers);
                }
            } else if (tag.equals(TagFromName.PatientID) || tag.equals(TagFromName.OtherPatientIDs)
                    || tag.equals(TagFromName.AccessionNumber)) {
                for (String v : values(a)) {
                    if (v.length() >= MIN_NAME_PART_LENGTH) {
                        identifiers.values().add(v);
                    }
                }
            }
        }
    }

    /**
     * Same rule as the pseudonymizer's: a UID attribute whose keyword ends in ClassUID (ReferencedSOPClassUID, ...)
     * names a class. Retired classes such as Study Component Management (1.2.840.10008.3.1.2.3.2), which RT
     * structure sets name in RTReferencedStudySequence, are missing from PixelMed's list of standard UIDs.
     */
    private static boolean isClassUid(AttributeTag tag) {
        String keyword = AttributeList.getDictionary().getNameFromTag(tag);
        return keyword != null && keyword.endsWith("ClassUID");
    }

    private static void addName(String personName, Identifiers identifiers) {
        String trimmed = personName.trim();
        if (trimmed.isEmpty()) {
            return;
        }
        if (trimmed.length() >= MIN_NAME_PART_LENGTH) {
            identifiers.values().add(trimmed);
        }
        for (String part : trimmed.split("[\\^=\\s]+")) {
            if (part.length() >= MIN_NAME_PART_LENGTH) {
                identifiers.nameParts().add(part.toLowerCase(Locale.ROOT));
            }
        }
    }

    record Residue(String path, String value) {
    }

    static List<Residue> findResidues(AttributeList list, Identifiers identifiers) {
        List<Residue> found = new ArrayList<>();
        findResidues(list, "", identifiers, found);
        return found;
    }

    private static void findResidues(AttributeList list, String prefix, Identifiers identifiers, List<Residue> found) {
        for (Attribute a : list.values()) {
            String path = prefix + describe(a.getTag());
            Identifiers here = METHOD_TEXT.contains(a.getTag())
                    ? new Identifiers(identifiers.values(), Set.of(), identifiers.uids()) : identifiers;
            if (a instanceof SequenceAttribute s) {
                int index = 0;
                for (SequenceItem item : iterable(s)) {
                    findResidues(item.getAttributeList(), path + "[" + index++ + "].", here, found);
                }
                continue;
            }
            for (String v : textOf(a)) {
                if (containsSourceUid(v, here.uids()) || containsAnyIgnoreCase(v, here.values())
                        || containsWord(v, here.nameParts())) {
                    found.add(new Residue(path, v));
                }
            }
        }
    }

    private static boolean containsAnyIgnoreCase(String value, Set<String> needles) {
        for (String needle : needles) {
            if (containsIgnoreCase(value, needle)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any word of the value (letters and digits between other characters) is one of the name parts. */
    private static boolean containsWord(String value, Set<String> lowerCaseWords) {
        if (lowerCaseWords.isEmpty()) {
            return false;
        }
        for (String word : WORD_SEPARATORS.split(value.toLowerCase(Locale.ROOT))) {
            if (lowerCaseWords.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.regex.Pattern WORD_SEPARATORS = java.util.regex.Pattern.compile("[^\\p{L}\\p{N}]+");

    /** Any dotted-number token of the value that is a source UID, also inside free text or raw bytes. */
    private static boolean containsSourceUid(String value, Set<String> sourceUids) {
        java.util.regex.Matcher m = UID_TOKEN.matcher(value);
        while (m.find()) {
            if (sourceUids.contains(m.group())) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.regex.Pattern UID_TOKEN = java.util.regex.Pattern.compile("[0-9]+(?:\\.[0-9]+)+");

    /** References the copy makes to other objects, at any depth. */
    static void collectReferences(AttributeList list, Set<String> into) {
        for (Attribute a : list.values()) {
            if (a instanceof SequenceAttribute s) {
                for (SequenceItem item : iterable(s)) {
                    AttributeList itemList = item.getAttributeList();
                    collectReferences(itemList, into);
                    // Inside a reference sequence, a SeriesInstanceUID names a referenced series.
                    String referencedSeries = Attribute.getSingleStringValueOrEmptyString(itemList,
                            TagFromName.SeriesInstanceUID);
                    if (!referencedSeries.isEmpty()) {
                        into.add(referencedSeries);
                    }
                }
            } else if (REFERENCE_TAGS.contains(a.getTag())) {
                for (String v : values(a)) {
                    if (!v.isEmpty()) {
                        into.add(v);
                    }
                }
            }
        }
    }

    /**
     * The values a reader could find identifiers in. Unknown-VR and private binary values are searched as
     * raw bytes, because PHI hides there (for example in UN-encoded sequences).
     */
    private static String[] textOf(Attribute a) {
        byte[] vr = a.getVR();
        if (ValueRepresentation.isUnknownVR(vr)
                || (ValueRepresentation.isOtherByteOrWordVR(vr) && a.getTag().isPrivate())) {
            try {
                byte[] bytes = a.getByteValues();
                return bytes == null ? new String[0]
                        : new String[] {new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)};
            } catch (DicomException e) {
                return new String[0];
            }
        }
        if (ValueRepresentation.isStringInJSON(vr) || ValueRepresentation.isPersonNameVR(vr)
                || ValueRepresentation.isUniqueIdentifierVR(vr) || ValueRepresentation.isDecimalStringVR(vr)
                || ValueRepresentation.isIntegerStringVR(vr)) {
            return values(a);
        }
        return new String[0];
    }

    private static String[] values(Attribute a) {
        try {
            String[] v = a.getStringValues();
            return v == null ? new String[0] : v;
        } catch (DicomException e) {
            return new String[0];
        }
    }

    private static boolean containsIgnoreCase(String haystack, String needle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
    }

    private static String describe(AttributeTag tag) {
        String keyword = AttributeList.getDictionary().getNameFromTag(tag);
        return keyword != null ? keyword : tag.toString();
    }

    static Iterable<SequenceItem> iterable(SequenceAttribute s) {
        return s::iterator;
    }
}
