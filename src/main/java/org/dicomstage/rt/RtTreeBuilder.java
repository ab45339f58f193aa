package org.dicomstage.rt;

import static org.dicomstage.rt.RtTags.ApprovalStatus;
import static org.dicomstage.rt.RtTags.ContourImageSequence;
import static org.dicomstage.rt.RtTags.ContourSequence;
import static org.dicomstage.rt.RtTags.DoseSummationType;
import static org.dicomstage.rt.RtTags.Modality;
import static org.dicomstage.rt.RtTags.ROIContourSequence;
import static org.dicomstage.rt.RtTags.RTPlanLabel;
import static org.dicomstage.rt.RtTags.RTPlanName;
import static org.dicomstage.rt.RtTags.RTReferencedSeriesSequence;
import static org.dicomstage.rt.RtTags.RTReferencedStudySequence;
import static org.dicomstage.rt.RtTags.ReferencedFrameOfReferenceSequence;
import static org.dicomstage.rt.RtTags.ReferencedImageSequence;
import static org.dicomstage.rt.RtTags.ReferencedInstanceSequence;
import static org.dicomstage.rt.RtTags.ReferencedRTPlanSequence;
import static org.dicomstage.rt.RtTags.ReferencedSOPInstanceUID;
import static org.dicomstage.rt.RtTags.ReferencedSeriesSequence;
import static org.dicomstage.rt.RtTags.ReferencedStructureSetSequence;
import static org.dicomstage.rt.RtTags.ReferencedTreatmentRecordSequence;
import static org.dicomstage.rt.RtTags.RegistrationSequence;
import static org.dicomstage.rt.RtTags.SOPClassUID;
import static org.dicomstage.rt.RtTags.SOPInstanceUID;
import static org.dicomstage.rt.RtTags.SeriesDescription;
import static org.dicomstage.rt.RtTags.SeriesInstanceUID;
import static org.dicomstage.rt.RtTags.SeriesNumber;
import static org.dicomstage.rt.RtTags.StructureSetLabel;
import static org.dicomstage.rt.RtTags.StudiesContainingOtherReferencedInstancesSequence;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.dicomstage.dicom.SeriesEntry;

/**
 * Builds the {@link RtTree} of one study from its C-FIND series and the headers of its RT instances.
 *
 * <p>Every reference is followed: an object that references several parents appears under each, and a
 * series whose instances reference different parents is split into one node per parent, each covering only
 * the instances that reference it. References whose target is not in the study are kept as dangling
 * references (a greyed-out child node and a warning); an object with no parent in the study is a root.
 */
public final class RtTreeBuilder {

    private static final Set<String> HEADER_MODALITIES =
            Set.of("RTSTRUCT", "RTPLAN", "RTDOSE", "RTIMAGE", "RTRECORD", "REG", "SEG");

    private static final Set<String> IMAGE_MODALITIES = Set.of(
            "CT", "MR", "PT", "NM", "US", "CR", "DX", "MG", "XA", "RF", "OT", "IO", "PX", "OP", "OPT", "XC",
            "ES", "GM", "SM", "BI", "TG", "DG", "RG", "IVOCT", "IVUS", "OCT", "BDUS", "LS");

    /** Modality from the SOP class, for headers (and series) that do not say. */
    private static final Map<String, String> MODALITY_OF_SOP_CLASS = Map.ofEntries(
            Map.entry(SOPClass.RTStructureSetStorage, "RTSTRUCT"),
            Map.entry(SOPClass.RTPlanStorage, "RTPLAN"),
            Map.entry(SOPClass.RTIonPlanStorage, "RTPLAN"),
            Map.entry(SOPClass.RTDoseStorage, "RTDOSE"),
            Map.entry(SOPClass.RTImageStorage, "RTIMAGE"),
            Map.entry(SOPClass.RTBeamsTreatmentRecordStorage, "RTRECORD"),
            Map.entry(SOPClass.RTIonBeamsTreatmentRecordStorage, "RTRECORD"),
            Map.entry(SOPClass.RTBrachyTreatmentRecordStorage, "RTRECORD"),
            Map.entry(SOPClass.RTTreatmentSummaryRecordStorage, "RTRECORD"),
            Map.entry(SOPClass.SpatialRegistrationStorage, "REG"),
            Map.entry(SOPClass.DeformableSpatialRegistrationStorage, "REG"),
            Map.entry(SOPClass.SegmentationStorage, "SEG"));

    private static final String PLAN = "plan";
    private static final String STRUCTURE_SET = "structure set";
    private static final String TREATMENT_RECORD = "treatment record";
    private static final String IMAGE_SERIES = "image series";
    private static final String IMAGE = "image";
    private static final String APPROVED = "APPROVED";

    private RtTreeBuilder() {
    }

    /**
     * Whether the headers of a series' instances are needed to place it: C-FIND cannot return the
     * reference sequences these modalities link by.
     */
    public static boolean needsHeaders(String modality) {
        return modality != null && HEADER_MODALITIES.contains(modality.trim().toUpperCase(Locale.ROOT));
    }

    /**
     * @param series the series of one study, as C-FIND answers them
     * @param headers the headers (no pixel data needed) of the instances of the series for which
     *        {@link #needsHeaders(String)} is true; headers of other instances are used only to learn which
     *        series an instance belongs to; headers of series missing from {@code series} add that series
     */
    public static RtTree build(List<SeriesEntry> series, Collection<AttributeList> headers) {
        return new Build(series, headers).tree();
    }

    static RtNodeKind kindOf(String modality) {
        String m = modality == null ? "" : modality.trim().toUpperCase(Locale.ROOT);
        return switch (m) {
            case "RTSTRUCT" -> RtNodeKind.RTSTRUCT;
            case "RTPLAN" -> RtNodeKind.RTPLAN;
            case "RTDOSE" -> RtNodeKind.RTDOSE;
            case "RTIMAGE" -> RtNodeKind.RTIMAGE;
            case "RTRECORD" -> RtNodeKind.RTRECORD;
            case "REG" -> RtNodeKind.REG;
            case "SEG" -> RtNodeKind.SEG;
            default -> IMAGE_MODALITIES.contains(m) ? RtNodeKind.IMAGE_SERIES : RtNodeKind.OTHER;
        };
    }

    /** A reference as the header states it: by series, by instance, or both. */
    private record Ref(String relation, String expectedModality, String seriesUID, String sopUID) {
    }

    /** A resolved reference: a series of the study and, for RT series read instance by instance, the instance. */
    private record Target(String seriesUID, String sopUID) {
    }

    private static final class Series {
        final String uid;
        String modality;
        String description;
        String seriesNumber;
        int queriedCount;
        final List<Instance> instances = new ArrayList<>();
        final Set<String> sops = new LinkedHashSet<>();

        Series(String uid) {
            this.uid = uid;
        }

        RtNodeKind kind() {
            return kindOf(modality);
        }

        /** RT series are placed instance by instance; everything else as a whole. */
        boolean instanceLevel() {
            return needsHeaders(modality) && !instances.isEmpty();
        }
    }

    private static final class Instance {
        final String sop;
        final Series series;
        final AttributeList header;
        final List<Ref> refs;
        final List<Target> targets = new ArrayList<>();
        final List<DanglingReference> dangling = new ArrayList<>();

        Instance(String sop, Series series, AttributeList header, List<Ref> refs) {
            this.sop = sop;
            this.series = series;
            this.header = header;
            this.refs = refs;
        }
    }

    private static final class Build {
        private final Map<String, Series> seriesByUid = new LinkedHashMap<>();
        private final Map<String, String> seriesOfSop = new HashMap<>();
        private final Set<Instance> placed = new LinkedHashSet<>();
        private final List<Series> rtSeries;
        /** An instance reference cannot be told from a dangling one when the target's headers are missing. */
        private final boolean headersMissing;

        Build(List<SeriesEntry> entries, Collection<AttributeList> headers) {
            for (SeriesEntry entry : entries) {
                if (blank(entry.seriesInstanceUID())) {
                    continue;
                }
                Series s = seriesByUid.computeIfAbsent(entry.seriesInstanceUID().trim(), Series::new);
                s.modality = trimToNull(entry.modality());
                s.description = trimToNull(entry.seriesDescription());
                s.seriesNumber = trimToNull(entry.seriesNumber());
                s.queriedCount = entry.numberOfSeriesRelatedInstances();
            }
            List<AttributeList> own = new ArrayList<>();
            for (AttributeList header : headers) {
                String sop = string(header, SOPInstanceUID);
                String seriesUid = string(header, SeriesInstanceUID);
                if (sop == null || seriesUid == null || seriesOfSop.containsKey(sop)) {
                    continue;
                }
                seriesOfSop.put(sop, seriesUid);
                Series s = seriesByUid.computeIfAbsent(seriesUid, Series::new);
                if (s.modality == null) {
                    s.modality = firstNonNull(string(header, Modality),
                            MODALITY_OF_SOP_CLASS.get(string(header, SOPClassUID)));
                }
                if (s.description == null) {
                    s.description = string(header, SeriesDescription);
                }
                if (s.seriesNumber == null) {
                    s.seriesNumber = string(header, SeriesNumber);
                }
                own.add(header);
            }
            // Nested references name the series of instances whose headers we do not have (the CT slices
            // an RTSTRUCT contours, the images a REG registers); learn them after the instances' own answers.
            for (AttributeList header : own) {
                learnNestedSeries(header);
            }
            for (AttributeList header : own) {
                Series s = seriesByUid.get(string(header, SeriesInstanceUID));
                String sop = string(header, SOPInstanceUID);
                s.instances.add(new Instance(sop, s, header, references(s.kind(), header)));
                s.sops.add(sop);
            }
            for (Series s : seriesByUid.values()) {
                s.instances.sort(Comparator.comparing(i -> i.sop));
            }
            rtSeries = seriesByUid.values().stream().filter(Series::instanceLevel)
                    .sorted(Comparator.comparing((Series s) -> s.kind().ordinal()).thenComparing(s -> s.uid))
                    .toList();
            headersMissing = seriesByUid.values().stream()
                    .anyMatch(s -> needsHeaders(s.modality) && s.instances.isEmpty());
            for (Series s : rtSeries) {
                for (Instance instance : s.instances) {
                    resolve(instance);
                }
            }
        }

        private void learnNestedSeries(AttributeList header) {
            for (AttributeList frame : items(header, ReferencedFrameOfReferenceSequence)) {
                for (AttributeList study : items(frame, RTReferencedStudySequence)) {
                    for (AttributeList series : items(study, RTReferencedSeriesSequence)) {
                        learn(string(series, SeriesInstanceUID), items(series, ContourImageSequence));
                    }
                }
            }
            List<AttributeList> seriesItems = new ArrayList<>(items(header, ReferencedSeriesSequence));
            for (AttributeList study : items(header, StudiesContainingOtherReferencedInstancesSequence)) {
                seriesItems.addAll(items(study, ReferencedSeriesSequence));
            }
            for (AttributeList series : seriesItems) {
                learn(string(series, SeriesInstanceUID), items(series, ReferencedInstanceSequence));
            }
        }

        private void learn(String seriesUid, List<AttributeList> instanceItems) {
            if (seriesUid == null) {
                return;
            }
            for (AttributeList item : instanceItems) {
                String sop = string(item, ReferencedSOPInstanceUID);
                if (sop != null) {
                    seriesOfSop.putIfAbsent(sop, seriesUid);
                }
            }
        }

        private void resolve(Instance instance) {
            Set<Target> targets = new LinkedHashSet<>();
            Set<DanglingReference> dangling = new LinkedHashSet<>();
            for (Ref ref : instance.refs) {
                String targetSeriesUid = ref.seriesUID() != null ? ref.seriesUID() : seriesOfSop.get(ref.sopUID());
                Series target = targetSeriesUid == null ? null : seriesByUid.get(targetSeriesUid);
                boolean present = target != null
                        && (ref.sopUID() == null || !target.instanceLevel() || target.sops.contains(ref.sopUID()));
                if (!present) {
                    dangling.add(new DanglingReference(ref.relation(), ref.expectedModality(), targetSeriesUid,
                            ref.sopUID()));
                    continue;
                }
                String sop = target.instanceLevel() ? ref.sopUID() : null;
                boolean self = target == instance.series && (sop == null || sop.equals(instance.sop));
                if (!self) {
                    targets.add(new Target(target.uid, sop));
                }
            }
            instance.targets.addAll(targets);
            instance.dangling.addAll(dangling);
        }

        RtTree tree() {
            List<RtNode> roots = new ArrayList<>();
            for (Series s : seriesByUid.values()) {
                if (!s.instanceLevel()) {
                    roots.add(node(s, List.of(), s.uid, Set.of()));
                }
            }
            for (Series s : rtSeries) {
                // Instances with no parent in the study: unrelated ones together, the others per missing parent.
                Map<String, List<Instance>> byMissing = new TreeMap<>();
                for (Instance instance : s.instances) {
                    if (instance.targets.isEmpty()) {
                        String key = instance.dangling.stream().map(DanglingReference::targetUID).sorted()
                                .collect(Collectors.joining("+"));
                        byMissing.computeIfAbsent(key, k -> new ArrayList<>()).add(instance);
                    }
                }
                byMissing.forEach((missing, members) ->
                        roots.add(node(s, members, missing.isEmpty() ? s.uid : s.uid + "/missing:" + missing,
                                Set.of())));
            }
            // What is still unplaced references only itself in a circle (plan A → plan B → plan A).
            for (Series s : rtSeries) {
                List<Instance> unplaced = s.instances.stream().filter(i -> !placed.contains(i)).toList();
                if (!unplaced.isEmpty()) {
                    roots.add(node(s, unplaced, s.uid + "/unplaced", Set.of()));
                }
            }
            roots.sort(Comparator.comparing((RtNode n) -> n.kind().ordinal())
                    .thenComparing(n -> seriesNumberOf(n.seriesInstanceUID()))
                    .thenComparing(RtNode::label, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(RtNode::id));
            Map<String, Set<String>> instancesBySeries = new LinkedHashMap<>();
            for (Series s : rtSeries) {
                instancesBySeries.put(s.uid, Set.copyOf(s.sops));
            }
            return new RtTree(roots, instancesBySeries);
        }

        private long seriesNumberOf(String seriesUid) {
            Series s = seriesUid == null ? null : seriesByUid.get(seriesUid);
            if (s == null || s.seriesNumber == null) {
                return Long.MAX_VALUE;
            }
            try {
                return Long.parseLong(s.seriesNumber.trim());
            } catch (NumberFormatException e) {
                return Long.MAX_VALUE;
            }
        }

        /**
         * @param path the instances (or whole series) above this node, so that references going round in a
         *        circle end instead of nesting forever
         */
        private RtNode node(Series s, List<Instance> members, String id, Set<String> path) {
            placed.addAll(members);
            Set<String> own = members.isEmpty() ? Set.of(s.uid)
                    : members.stream().map(i -> i.sop).collect(Collectors.toCollection(LinkedHashSet::new));
            Set<String> below = new LinkedHashSet<>(path);
            below.addAll(own);

            List<RtNode> children = new ArrayList<>();
            for (Series c : rtSeries) {
                List<Instance> picked = c.instances.stream()
                        .filter(i -> !below.contains(i.sop))
                        .filter(i -> i.targets.stream().anyMatch(t -> t.seriesUID().equals(s.uid)
                                && (t.sopUID() == null || own.contains(t.sopUID()))))
                        .toList();
                if (!picked.isEmpty()) {
                    children.add(node(c, picked, id + "/" + c.uid, below));
                }
            }
            List<DanglingReference> dangling = members.stream().flatMap(i -> i.dangling.stream()).distinct()
                    .toList();
            for (DanglingReference ref : dangling) {
                children.add(danglingNode(id, ref));
            }
            children.sort(Comparator.comparing((RtNode n) -> n.kind().ordinal())
                    .thenComparing(RtNode::label, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(RtNode::id));

            RtNodeKind kind = s.kind();
            List<AttributeList> headers = members.stream().map(i -> i.header).toList();
            String planLabel = kind == RtNodeKind.RTPLAN ? joined(headers, RTPlanLabel) : null;
            String planName = kind == RtNodeKind.RTPLAN ? joined(headers, RTPlanName) : null;
            String approval = kind == RtNodeKind.RTPLAN ? leastApproved(headers) : null;
            String structureSetLabel = kind == RtNodeKind.RTSTRUCT ? joined(headers, StructureSetLabel) : null;
            String label = label(s, kind, headers, planLabel, planName, structureSetLabel);

            List<String> warnings = new ArrayList<>();
            if (kind == RtNodeKind.RTPLAN) {
                for (Instance plan : members) {
                    String status = approvalOf(plan.header);
                    if (status != null && !APPROVED.equals(status)) {
                        String name = firstNonNull(string(plan.header, RTPlanLabel), string(plan.header, RTPlanName),
                                plan.sop);
                        warnings.add(s.modality + " '" + name + "' is " + status);
                    }
                }
            }
            for (DanglingReference ref : dangling) {
                // In words: the researcher knows series by their labels, and a missing object has none.
                warnings.add(s.modality + " '" + label + "' references a " + ref.relation()
                        + (headersMissing ? " that is not in Study0, or in a series whose headers were not loaded"
                                : " that is not in Study0, so it cannot be copied"));
            }
            if (needsHeaders(s.modality) && s.instances.isEmpty()) {
                warnings.add(s.modality + " '" + label + "' was listed without its headers, so what it references"
                        + " is unknown and it is shown on its own");
            }
            int count = members.isEmpty() ? s.queriedCount : members.size();
            List<String> sops = members.isEmpty() ? List.of() : List.copyOf(own);
            return new RtNode(id, kind, s.modality, s.uid, sops, count, label, s.description, planLabel, planName,
                    approval, approval != null && !APPROVED.equals(approval), structureSetLabel, dangling, warnings,
                    children);
        }

        private static RtNode danglingNode(String parentId, DanglingReference ref) {
            return new RtNode(parentId + "/missing:" + ref.targetUID(), RtNodeKind.DANGLING, ref.expectedModality(),
                    ref.seriesInstanceUID(), ref.sopInstanceUID() == null ? List.of() : List.of(ref.sopInstanceUID()),
                    0, ref.describe(), null, null, null, null, false, null, List.of(), List.of(), List.of());
        }

        private static String label(Series s, RtNodeKind kind, List<AttributeList> headers, String planLabel,
                String planName, String structureSetLabel) {
            String fallback = firstNonNull(s.description,
                    s.seriesNumber == null ? null : "Series " + s.seriesNumber, s.modality, s.uid);
            return switch (kind) {
                case RTPLAN -> firstNonNull(planLabel, planName, fallback);
                case RTSTRUCT -> firstNonNull(structureSetLabel, fallback);
                case RTDOSE -> {
                    String summation = joined(headers, DoseSummationType);
                    yield firstNonNull(s.description, summation == null ? null : "Dose " + summation, fallback);
                }
                default -> fallback;
            };
        }
    }

    /** The least approved status of the plans: one unapproved plan among approved ones must show. */
    private static String leastApproved(List<AttributeList> plans) {
        Function<String, Integer> rank = status -> switch (status) {
            case "REJECTED" -> 0;
            case "UNAPPROVED" -> 1;
            case APPROVED -> 3;
            default -> 2;
        };
        return plans.stream().map(RtTreeBuilder::approvalOf).filter(Objects::nonNull)
                .min(Comparator.comparing(rank)).orElse(null);
    }

    private static String approvalOf(AttributeList plan) {
        String status = string(plan, ApprovalStatus);
        return status == null ? null : status.toUpperCase(Locale.ROOT);
    }

    private static List<Ref> references(RtNodeKind kind, AttributeList header) {
        List<Ref> refs = new ArrayList<>();
        switch (kind) {
            case RTSTRUCT -> {
                for (AttributeList frame : items(header, ReferencedFrameOfReferenceSequence)) {
                    for (AttributeList study : items(frame, RTReferencedStudySequence)) {
                        for (AttributeList series : items(study, RTReferencedSeriesSequence)) {
                            String uid = string(series, SeriesInstanceUID);
                            if (uid != null) {
                                refs.add(new Ref(IMAGE_SERIES, null, uid, null));
                            }
                        }
                    }
                }
                if (refs.isEmpty()) {
                    // Without the series level the contoured images are the only link left.
                    for (AttributeList roi : items(header, ROIContourSequence)) {
                        for (AttributeList contour : items(roi, ContourSequence)) {
                            addInstanceRefs(refs, contour, ContourImageSequence, IMAGE, null);
                        }
                    }
                }
            }
            case RTPLAN -> {
                addInstanceRefs(refs, header, ReferencedStructureSetSequence, STRUCTURE_SET, "RTSTRUCT");
                addInstanceRefs(refs, header, ReferencedRTPlanSequence, PLAN, "RTPLAN");
            }
            case RTDOSE -> {
                addInstanceRefs(refs, header, ReferencedRTPlanSequence, PLAN, "RTPLAN");
                if (refs.isEmpty()) {
                    // Only a dose without a plan hangs under its structure set; one with a plan goes under it.
                    addInstanceRefs(refs, header, ReferencedStructureSetSequence, STRUCTURE_SET, "RTSTRUCT");
                }
            }
            case RTIMAGE -> addInstanceRefs(refs, header, ReferencedRTPlanSequence, PLAN, "RTPLAN");
            case RTRECORD -> {
                addInstanceRefs(refs, header, ReferencedRTPlanSequence, PLAN, "RTPLAN");
                if (refs.isEmpty()) {
                    // A treatment summary record may name only the records it sums up.
                    addInstanceRefs(refs, header, ReferencedTreatmentRecordSequence, TREATMENT_RECORD, "RTRECORD");
                }
            }
            case REG -> {
                for (AttributeList registration : items(header, RegistrationSequence)) {
                    addInstanceRefs(refs, registration, ReferencedImageSequence, IMAGE, null);
                }
                addSeriesRefs(refs, header);
            }
            case SEG -> addSeriesRefs(refs, header);
            default -> {
            }
        }
        return refs.stream().distinct().toList();
    }

    private static void addInstanceRefs(List<Ref> refs, AttributeList list, AttributeTag sequence, String relation,
            String expectedModality) {
        for (AttributeList item : items(list, sequence)) {
            String sop = string(item, ReferencedSOPInstanceUID);
            if (sop != null) {
                refs.add(new Ref(relation, expectedModality, null, sop));
            }
        }
    }

    private static void addSeriesRefs(List<Ref> refs, AttributeList header) {
        List<AttributeList> seriesItems = new ArrayList<>(items(header, ReferencedSeriesSequence));
        for (AttributeList study : items(header, StudiesContainingOtherReferencedInstancesSequence)) {
            seriesItems.addAll(items(study, ReferencedSeriesSequence));
        }
        for (AttributeList series : seriesItems) {
            String uid = string(series, SeriesInstanceUID);
            if (uid != null) {
                refs.add(new Ref(IMAGE_SERIES, null, uid, null));
            }
        }
    }

    private static List<AttributeList> items(AttributeList list, AttributeTag sequence) {
        if (list == null || !(list.get(sequence) instanceof SequenceAttribute sq)) {
            return List.of();
        }
        List<AttributeList> items = new ArrayList<>(sq.getNumberOfItems());
        for (int i = 0; i < sq.getNumberOfItems(); i++) {
            SequenceItem item = sq.getItem(i);
            if (item != null && item.getAttributeList() != null) {
                items.add(item.getAttributeList());
            }
        }
        return items;
    }

    private static String joined(List<AttributeList> headers, AttributeTag tag) {
        String values = headers.stream().map(h -> string(h, tag)).filter(Objects::nonNull).distinct()
                .collect(Collectors.joining(", "));
        return values.isEmpty() ? null : values;
    }

    private static String string(AttributeList list, AttributeTag tag) {
        return trimToNull(Attribute.getSingleStringValueOrNull(list, tag));
    }

    private static String trimToNull(String s) {
        return blank(s) ? null : s.trim();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
