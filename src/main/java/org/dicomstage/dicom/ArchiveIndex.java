package org.dicomstage.dicom;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;

/**
 * The embedded archive's index: a few query keys per instance, kept in memory and rebuilt from the
 * files at start. Thread-safe. Answers C-FIND (any level, patient or study root) and selects the
 * instances a C-GET/C-MOVE asks for.
 */
final class ArchiveIndex {

    enum Level {
        PATIENT, STUDY, SERIES, IMAGE;

        static Optional<Level> parse(String value) {
            String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
            for (Level l : values()) {
                if (l.name().equals(v)) {
                    return Optional.of(l);
                }
            }
            return Optional.empty();
        }
    }

    /** One stored instance: its file, transfer syntax and the values of {@link #INDEXED} keys. */
    record Entry(Path file, String transferSyntaxUID, Map<AttributeTag, String> values) {
        String get(AttributeTag tag) {
            return values.getOrDefault(tag, "");
        }

        String sopInstanceUID() {
            return get(TagFromName.SOPInstanceUID);
        }

        String sopClassUID() {
            return get(TagFromName.SOPClassUID);
        }

        String studyInstanceUID() {
            return get(TagFromName.StudyInstanceUID);
        }

        String seriesInstanceUID() {
            return get(TagFromName.SeriesInstanceUID);
        }
    }

    // PixelMed's TagFromName lacks these two; its dictionary knows them by keyword.
    private static final AttributeTag NUMBER_OF_PATIENT_RELATED_SERIES =
            DicomDictionary.StandardDictionary.getTagFromName("NumberOfPatientRelatedSeries");
    private static final AttributeTag NUMBER_OF_PATIENT_RELATED_INSTANCES =
            DicomDictionary.StandardDictionary.getTagFromName("NumberOfPatientRelatedInstances");

    /** Keys copied from each instance, with the level whose entity they describe. */
    static final Map<AttributeTag, Level> INDEXED = indexed();

    private static Map<AttributeTag, Level> indexed() {
        Map<AttributeTag, Level> m = new LinkedHashMap<>();
        for (AttributeTag t : List.of(TagFromName.PatientID, TagFromName.PatientName, TagFromName.PatientBirthDate,
                TagFromName.PatientSex, TagFromName.IssuerOfPatientID)) {
            m.put(t, Level.PATIENT);
        }
        for (AttributeTag t : List.of(TagFromName.StudyInstanceUID, TagFromName.StudyDate, TagFromName.StudyTime,
                TagFromName.AccessionNumber, TagFromName.StudyID, TagFromName.StudyDescription,
                TagFromName.ReferringPhysicianName)) {
            m.put(t, Level.STUDY);
        }
        for (AttributeTag t : List.of(TagFromName.SeriesInstanceUID, TagFromName.Modality, TagFromName.SeriesNumber,
                TagFromName.SeriesDescription, TagFromName.SeriesDate, TagFromName.SeriesTime,
                TagFromName.BodyPartExamined, TagFromName.FrameOfReferenceUID, TagFromName.Manufacturer)) {
            m.put(t, Level.SERIES);
        }
        for (AttributeTag t : List.of(TagFromName.SOPInstanceUID, TagFromName.SOPClassUID, TagFromName.InstanceNumber,
                TagFromName.ContentDate, TagFromName.ContentTime, TagFromName.Rows, TagFromName.Columns,
                TagFromName.NumberOfFrames)) {
            m.put(t, Level.IMAGE);
        }
        return Map.copyOf(m);
    }

    private static final Map<Level, List<AttributeTag>> COMPUTED = Map.of(
            Level.PATIENT, List.of(TagFromName.NumberOfPatientRelatedStudies, NUMBER_OF_PATIENT_RELATED_SERIES,
                    NUMBER_OF_PATIENT_RELATED_INSTANCES),
            Level.STUDY, List.of(TagFromName.ModalitiesInStudy, TagFromName.SOPClassesInStudy,
                    TagFromName.NumberOfStudyRelatedSeries, TagFromName.NumberOfStudyRelatedInstances),
            Level.SERIES, List.of(TagFromName.NumberOfSeriesRelatedInstances),
            Level.IMAGE, List.of());

    /** Unique keys returned at each level even when not asked for. */
    private static final Map<Level, List<AttributeTag>> UNIQUE_KEYS = Map.of(
            Level.PATIENT, List.of(TagFromName.PatientID),
            Level.STUDY, List.of(TagFromName.StudyInstanceUID),
            Level.SERIES, List.of(TagFromName.StudyInstanceUID, TagFromName.SeriesInstanceUID),
            Level.IMAGE, List.of(TagFromName.StudyInstanceUID, TagFromName.SeriesInstanceUID, TagFromName.SOPInstanceUID));

    private final Map<String, Entry> bySopInstance = new LinkedHashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    static Entry entryOf(Path file, String transferSyntaxUID, AttributeList header) {
        Map<AttributeTag, String> values = new HashMap<>();
        for (AttributeTag tag : INDEXED.keySet()) {
            String v = Attribute.getDelimitedStringValuesOrEmptyString(header, tag).trim();
            if (!v.isEmpty()) {
                values.put(tag, v);
            }
        }
        return new Entry(file, transferSyntaxUID, Map.copyOf(values));
    }

    /** Adds or replaces the instance; returns the entry it replaced, if any. */
    Optional<Entry> put(Entry entry) {
        lock.writeLock().lock();
        try {
            // remove first so the newest copy also becomes the representative of its series/study
            Entry previous = bySopInstance.remove(entry.sopInstanceUID());
            bySopInstance.put(entry.sopInstanceUID(), entry);
            return Optional.ofNullable(previous);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes the instance if its entry is still this one (a newer copy of it stays). */
    boolean remove(Entry entry) {
        lock.writeLock().lock();
        try {
            return bySopInstance.remove(entry.sopInstanceUID(), entry);
        } finally {
            lock.writeLock().unlock();
        }
    }

    Optional<Entry> get(String sopInstanceUID) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(bySopInstance.get(sopInstanceUID));
        } finally {
            lock.readLock().unlock();
        }
    }

    int size() {
        lock.readLock().lock();
        try {
            return bySopInstance.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    private List<Entry> snapshot() {
        lock.readLock().lock();
        try {
            return new ArrayList<>(bySopInstance.values());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** C-FIND: one response identifier per matching entity at {@code level}. */
    List<AttributeList> query(Level level, AttributeList request) {
        List<AttributeList> responses = new ArrayList<>();
        for (Map<AttributeTag, String> entity : entities(level)) {
            if (matches(entity, level, request)) {
                responses.add(respond(entity, level, request));
            }
        }
        return responses;
    }

    /** C-GET/C-MOVE: the instances under the unique keys of {@code identifier}. */
    List<Entry> select(Level level, AttributeList identifier) {
        List<AttributeTag> keys = List.of(TagFromName.PatientID, TagFromName.StudyInstanceUID,
                TagFromName.SeriesInstanceUID, TagFromName.SOPInstanceUID);
        // The values asked for, once: a retrieval at image level may name a thousand instances.
        Map<AttributeTag, Set<String>> wanted = new LinkedHashMap<>();
        for (AttributeTag key : keys) {
            String values = Attribute.getDelimitedStringValuesOrEmptyString(identifier, key).trim();
            if (INDEXED.get(key).ordinal() <= level.ordinal() && !values.isEmpty()) {
                wanted.put(key, new java.util.HashSet<>(List.of(values.split("\\\\"))));
            }
        }
        List<Entry> selected = new ArrayList<>();
        for (Entry e : snapshot()) {
            if (wanted.entrySet().stream().allMatch(w -> w.getValue().contains(e.get(w.getKey())))) {
                selected.add(e);
            }
        }
        return selected;
    }

    private static String entityKey(Entry e, Level level) {
        return switch (level) {
            case PATIENT -> e.get(TagFromName.PatientID);
            case STUDY -> e.studyInstanceUID();
            case SERIES -> e.seriesInstanceUID();
            case IMAGE -> e.sopInstanceUID();
        };
    }

    /** The entities of one level as tag → value maps, including computed counts. */
    private List<Map<AttributeTag, String>> entities(Level level) {
        Map<String, List<Entry>> groups = new LinkedHashMap<>();
        for (Entry e : snapshot()) {
            groups.computeIfAbsent(entityKey(e, level), k -> new ArrayList<>()).add(e);
        }
        List<Map<AttributeTag, String>> entities = new ArrayList<>();
        for (List<Entry> group : groups.values()) {
            Entry representative = group.get(group.size() - 1);
            Map<AttributeTag, String> values = new HashMap<>();
            representative.values().forEach((tag, value) -> {
                if (INDEXED.get(tag).ordinal() <= level.ordinal()) {
                    values.put(tag, value);
                }
            });
            switch (level) {
                case PATIENT -> {
                    values.put(TagFromName.NumberOfPatientRelatedStudies, count(group, Entry::studyInstanceUID));
                    values.put(NUMBER_OF_PATIENT_RELATED_SERIES, count(group, Entry::seriesInstanceUID));
                    values.put(NUMBER_OF_PATIENT_RELATED_INSTANCES, Integer.toString(group.size()));
                }
                case STUDY -> {
                    values.put(TagFromName.ModalitiesInStudy, distinct(group, e -> e.get(TagFromName.Modality)));
                    values.put(TagFromName.SOPClassesInStudy, distinct(group, Entry::sopClassUID));
                    values.put(TagFromName.NumberOfStudyRelatedSeries, count(group, Entry::seriesInstanceUID));
                    values.put(TagFromName.NumberOfStudyRelatedInstances, Integer.toString(group.size()));
                }
                case SERIES -> values.put(TagFromName.NumberOfSeriesRelatedInstances, Integer.toString(group.size()));
                case IMAGE -> {
                }
            }
            entities.add(values);
        }
        return entities;
    }

    private static String count(Collection<Entry> group, Function<Entry, String> key) {
        return Integer.toString((int) group.stream().map(key).distinct().count());
    }

    private static String distinct(Collection<Entry> group, Function<Entry, String> key) {
        Set<String> values = new LinkedHashSet<>();
        for (Entry e : group) {
            String v = key.apply(e);
            if (!v.isEmpty()) {
                values.add(v);
            }
        }
        return String.join("\\", values);
    }

    private static boolean known(AttributeTag tag, Level level) {
        Level l = INDEXED.get(tag);
        return (l != null && l.ordinal() <= level.ordinal()) || COMPUTED.get(level).contains(tag);
    }

    private static boolean isControlKey(AttributeTag tag) {
        return tag.getGroup() == 0x0000 || tag.getGroup() == 0x0002
                || tag.equals(TagFromName.QueryRetrieveLevel) || tag.equals(TagFromName.SpecificCharacterSet);
    }

    private static boolean matches(Map<AttributeTag, String> entity, Level level, AttributeList request) {
        for (Object o : request.values()) {
            Attribute a = (Attribute) o;
            AttributeTag tag = a.getTag();
            if (isControlKey(tag) || a instanceof SequenceAttribute || !known(tag, level)) {
                // keys we do not index cannot narrow the match; they come back empty
                continue;
            }
            String wanted = Attribute.getDelimitedStringValuesOrEmptyString(a).trim();
            if (!wanted.isEmpty() && !matchesValue(wanted, entity.getOrDefault(tag, ""), vrOf(a))) {
                return false;
            }
        }
        return true;
    }

    private static String vrOf(Attribute a) {
        String vr = a.getVRAsString();
        if (vr == null || vr.isBlank() || "UN".equals(vr)) {
            byte[] dictionaryVR = DicomDictionary.StandardDictionary.getValueRepresentationFromTag(a.getTag());
            vr = dictionaryVR == null ? "" : new String(dictionaryVR, StandardCharsets.US_ASCII);
        }
        return vr;
    }

    /** PS3.4 C.2.2.2: single value, wildcard (* ?), UID list and range matching. */
    static boolean matchesValue(String wanted, String actual, String vr) {
        List<String> actualValues = List.of(actual.split("\\\\", -1));
        if (("DA".equals(vr) || "TM".equals(vr) || "DT".equals(vr)) && wanted.contains("-")) {
            int dash = wanted.indexOf('-');
            String lo = wanted.substring(0, dash).trim();
            String hi = wanted.substring(dash + 1).trim();
            return actualValues.stream().anyMatch(v -> !v.isEmpty()
                    && (lo.isEmpty() || v.compareTo(lo) >= 0)
                    && (hi.isEmpty() || v.compareTo(hi) <= 0 || v.startsWith(hi)));
        }
        boolean caseInsensitive = "PN".equals(vr);
        for (String w : wanted.split("\\\\")) {
            String want = w.trim();
            if (want.isEmpty()) {
                continue;
            }
            boolean wildcard = !"UI".equals(vr) && (want.contains("*") || want.contains("?"));
            Pattern pattern = wildcard ? wildcardPattern(want, caseInsensitive) : null;
            for (String v : actualValues) {
                String value = v.trim();
                if (pattern != null ? pattern.matcher(value).matches()
                        : caseInsensitive ? value.equalsIgnoreCase(want) : value.equals(want)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Pattern wildcardPattern(String wildcard, boolean caseInsensitive) {
        StringBuilder regex = new StringBuilder();
        for (char c : wildcard.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    }

    private static AttributeList respond(Map<AttributeTag, String> entity, Level level, AttributeList request) {
        Map<AttributeTag, Attribute> requested = new TreeMap<>(Comparator.naturalOrder());
        for (Object o : request.values()) {
            Attribute a = (Attribute) o;
            if (!isControlKey(a.getTag())) {
                requested.put(a.getTag(), a);
            }
        }
        List<AttributeTag> tags = new ArrayList<>(requested.keySet());
        for (AttributeTag unique : UNIQUE_KEYS.get(level)) {
            if (!requested.containsKey(unique)) {
                tags.add(unique);
            }
        }
        boolean nonAscii = tags.stream()
                .map(t -> known(t, level) ? entity.getOrDefault(t, "") : "")
                .anyMatch(v -> v.chars().anyMatch(c -> c > 127));
        SpecificCharacterSet charset = nonAscii ? new SpecificCharacterSet(new String[] {"ISO_IR 192"}) : null;
        AttributeList response = new AttributeList();
        try {
            if (nonAscii) {
                Attribute cs = new CodeStringAttribute(TagFromName.SpecificCharacterSet);
                cs.addValue("ISO_IR 192");
                response.put(cs);
            }
            for (AttributeTag tag : tags) {
                Attribute asked = requested.get(tag);
                if (asked instanceof SequenceAttribute) {
                    response.put(new SequenceAttribute(tag));
                    continue;
                }
                byte[] vr = asked != null ? vrOf(asked).getBytes(StandardCharsets.US_ASCII)
                        : DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag);
                Attribute a = AttributeFactory.newAttribute(tag, vr, charset);
                String value = known(tag, level) ? entity.getOrDefault(tag, "") : "";
                if (!value.isEmpty()) {
                    for (String v : value.split("\\\\", -1)) {
                        a.addValue(v);
                    }
                }
                response.put(a);
            }
            Attribute qrLevel = new CodeStringAttribute(TagFromName.QueryRetrieveLevel);
            qrLevel.addValue(level.name());
            response.put(qrLevel);
        } catch (DicomException e) {
            throw new IllegalStateException("cannot build C-FIND response: " + e.getMessage(), e);
        }
        return response;
    }
}
