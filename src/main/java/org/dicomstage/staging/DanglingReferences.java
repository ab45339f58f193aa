package org.dicomstage.staging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.InstanceEntry;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.pseudonym.UidMapper;

/**
 * The verifier's dangling references in words a reviewer knows: "RTDOSE 'Dose PLAN' references RTPLAN 'APlan1',
 * which is not in this copy". A reference in the copy carries a keyed UID that names nothing to a person; the source
 * study tells what it was, by the same labels as the pick and confirm views use (plan label, structure set label,
 * series description).
 */
final class DanglingReferences {

    /** RT objects often have no series description; these are named from their own labels. */
    private static final Set<String> LABELLED_BY_HEADER = Set.of("RTPLAN", "RTSTRUCT", "RTDOSE", "RTIMAGE",
            "RTRECORD");

    private DanglingReferences() {
    }

    /** "RTPLAN 'APlan1'", "CT 'Planning CT'", or the modality alone when the object has no name. */
    static String label(AttributeList header) {
        String modality = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.Modality);
        String name = firstNonBlank(
                Attribute.getSingleStringValueOrEmptyString(header, TagFromName.RTPlanLabel),
                Attribute.getSingleStringValueOrEmptyString(header, TagFromName.StructureSetLabel),
                Attribute.getSingleStringValueOrEmptyString(header, TagFromName.SeriesDescription),
                dose(Attribute.getSingleStringValueOrEmptyString(header, TagFromName.DoseSummationType)));
        return name == null ? modality : modality + " '" + name + "'";
    }

    /**
     * @param dangling     keyed UIDs the copy references but does not hold, each with the label of the copied object
     *                     that references it
     * @param uids         the study's mapper: a source object's UID keyed as the copy would carry it
     * @return one warning per (referencing, referenced) pair; references the source study cannot name (frames of
     *         reference, objects of other studies) are counted per referencing object
     */
    static List<String> describe(Map<String, String> dangling, DicomNode source, String studyInstanceUID,
                                 UidMapper uids, String targetName) {
        if (dangling.isEmpty()) {
            return List.of();
        }
        Map<String, Named> names = sourceNames(source, studyInstanceUID, uids);
        // Per referencing object and referenced series: how many of its instances (a series reference counts none).
        Map<String, Map<String, Integer>> counted = new LinkedHashMap<>();
        dangling.forEach((ref, by) -> {
            Named named = names.getOrDefault(ref, UNKNOWN);
            counted.computeIfAbsent(by, k -> new LinkedHashMap<>()).merge(named.label(), named.series() ? 0 : 1,
                    Integer::sum);
        });
        List<String> warnings = new ArrayList<>();
        counted.forEach((by, targets) -> targets.forEach((what, n) -> warnings.add("dangling reference: " + by
                + " references " + (what.isEmpty() ? (n == 1 ? "an object" : n + " objects")
                + " that Study0's study does not hold either" : (n > 1 ? n + " instances of " : "") + what
                + ", which is not in this copy") + " (node '" + targetName + "')")));
        return warnings;
    }

    private record Named(String label, boolean series) {
    }

    private static final Named UNKNOWN = new Named("", false);

    /** Keyed UID of every series and instance of the source study, with its series' label. */
    private static Map<String, Named> sourceNames(DicomNode source, String studyInstanceUID, UidMapper uids) {
        Map<String, Named> names = new HashMap<>();
        for (SeriesEntry s : source.findSeries(studyInstanceUID)) {
            String label = seriesLabel(source, s);
            names.put(uids.map(s.seriesInstanceUID()), new Named(label, true));
            for (InstanceEntry i : source.findInstances(studyInstanceUID, s.seriesInstanceUID())) {
                names.put(uids.map(i.sopInstanceUID()), new Named(label, false));
            }
        }
        return names;
    }

    private static String seriesLabel(DicomNode source, SeriesEntry s) {
        if (LABELLED_BY_HEADER.contains(s.modality())) {
            List<AttributeList> headers = source.retrieveHeaders(s.studyInstanceUID(), s.seriesInstanceUID());
            if (!headers.isEmpty()) {
                return label(headers.getFirst());
            }
        }
        String description = s.seriesDescription();
        return description == null || description.isBlank() ? s.modality() : s.modality() + " '" + description + "'";
    }

    private static String dose(String summationType) {
        return summationType.isBlank() ? null : "Dose " + summationType;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
