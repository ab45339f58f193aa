package org.dicomstage.workflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.rt.RtNode;
import org.dicomstage.rt.RtSelection;
import org.dicomstage.rt.RtTree;
import org.dicomstage.study.Right;
import org.dicomstage.study.SeriesSelection;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StudyService;
import org.springframework.stereotype.Service;

/**
 * Expand selection: what the picks reference comes with them (the RT closure), registered in the process's own
 * requests, each addition with the reason it was added.
 */
@Service
class SelectionExpansion {

    static final String SELECTION_EXPANDED = "SELECTION_EXPANDED";

    private final StudyService studies;
    private final RequestSlots requests;
    private final StagingTargets targets;

    SelectionExpansion(StudyService studies, RequestSlots requests, StagingTargets targets) {
        this.studies = studies;
        this.requests = requests;
        this.targets = targets;
    }

    /**
     * @param selectionWarnings warnings about the selection as a whole
     * @param confirmWarnings   warnings about single series and the references between them (see {@link ConfirmWarnings})
     */
    record ExpandedSelection(List<Map<String, Object>> expandedSelection, List<Map<String, Object>> selectionOptions,
                             List<String> confirmedSeriesUids, String selectionWarnings,
                             List<Map<String, Object>> confirmWarnings) {
    }

    /**
     * Table picks bring what they reference (a plan its structure set and images); RT-view picks bring their
     * whole subtree too (a CT with everything drawn, planned and dosed on it).
     */
    ExpandedSelection expandSelection(String requestedBy, String studyId, List<String> pickedFromTable,
                                      List<String> pickedFromRtView, List<Map<String, Object>> availableSeries,
                                      long processInstanceKey) {
        Set<String> tablePicks = new LinkedHashSet<>(pickedFromTable == null ? List.of() : pickedFromTable);
        Set<String> rtPicks = new LinkedHashSet<>(pickedFromRtView == null ? List.of() : pickedFromRtView);
        Map<String, Map<String, Object>> available = new LinkedHashMap<>();
        for (Map<String, Object> s : availableSeries == null ? List.<Map<String, Object>>of() : availableSeries) {
            available.put(SeriesObjects.uid(s), s);
        }
        Set<String> picked = new LinkedHashSet<>(tablePicks);
        picked.addAll(rtPicks);
        if (picked.stream().noneMatch(uid -> available.containsKey(uid) || isNodeId(uid))) {
            throw new NothingSelected("no series was selected");
        }
        studies.requireRight(requestedBy, studyId, Right.STAGE);
        DicomNode source = targets.sourceNode();

        // Per Study0 study touched by the picks: its RT tree, rebuilt from the archive (the variables only
        // carry a flattened copy for display).
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        List<Map<String, Object>> confirmWarnings = new ArrayList<>();
        Set<String> studiesTouched = new LinkedHashSet<>();
        for (String uid : picked) {
            Map<String, Object> s = available.get(uid);
            if (s != null) {
                studiesTouched.add(SeriesObjects.string(s, SeriesObjects.STUDY_UID));
            }
        }
        boolean nodeIdPicked = picked.stream().anyMatch(SelectionExpansion::isNodeId);
        if (nodeIdPicked) {
            available.values().forEach(s -> studiesTouched.add(SeriesObjects.string(s, SeriesObjects.STUDY_UID)));
        }
        for (String studyUid : studiesTouched) {
            List<Map<String, Object>> ofStudy = available.values().stream()
                    .filter(s -> studyUid.equals(SeriesObjects.string(s, SeriesObjects.STUDY_UID))).toList();
            List<SeriesEntry> entries = ofStudy.stream().map(s -> new SeriesEntry(studyUid, SeriesObjects.uid(s),
                    SeriesObjects.string(s, SeriesObjects.MODALITY), SeriesObjects.string(s, SeriesObjects.DESCRIPTION),
                    SeriesObjects.string(s, SeriesObjects.SERIES_NUMBER),
                    SeriesObjects.integer(s, SeriesObjects.INSTANCE_COUNT))).toList();
            requireStillInStudy0(source, studyUid, ofStudy, picked);
            RtTree tree = targets.rtTree(requestedBy, studyId, pidOf(studyUid, ofStudy.getFirst(), studyId,
                    processInstanceKey), source, entries);
            Set<String> before = new LinkedHashSet<>(result.keySet());
            expand(tree, ofStudy, tablePicks, rtPicks, result, warnings);
            Set<String> ofThisStudy = new LinkedHashSet<>(result.keySet());
            ofThisStudy.removeAll(before);
            confirmWarnings.addAll(ConfirmWarnings.of(tree, ofThisStudy));
        }

        registerInStagingRequests(studyId, result.values(), processInstanceKey);
        List<Map<String, Object>> options = new ArrayList<>();
        for (Map<String, Object> s : result.values()) {
            Object because = s.get(SeriesObjects.ADDED_BECAUSE);
            Object approval = s.get(SeriesObjects.APPROVAL_STATUS);
            options.add(SeriesObjects.option(SeriesObjects.uid(s), s.get(SeriesObjects.STUDY_SUBJECT_ID) + "  "
                    + SeriesObjects.label(s) + " (" + SeriesObjects.integer(s, SeriesObjects.INSTANCE_COUNT)
                    + " images)" + (approval == null ? "" : " [" + approval + "]")
                    + (because == null ? "" : " \u2014 added: " + because)));
        }
        // Warnings about one series are shown at Confirm while that series is ticked, so not twice.
        Set<Object> perSeries = new LinkedHashSet<>();
        confirmWarnings.forEach(w -> perSeries.add(w.get(ConfirmWarnings.WARNING)));
        Set<String> general = new LinkedHashSet<>(warnings);
        general.removeAll(perSeries);
        String warningText = String.join("; ", general);
        List<String> audited = new ArrayList<>(general);
        confirmWarnings.stream().filter(w -> w.get(ConfirmWarnings.REFERENCED_SERIES) == null)
                .forEach(w -> audited.add(String.valueOf(w.get(ConfirmWarnings.WARNING))));
        studies.record(requestedBy, SELECTION_EXPANDED, studyId, null, picked.size() + " picked, "
                + result.size() + " series with references" + (audited.isEmpty() ? "" : "; "
                + String.join("; ", audited)));
        return new ExpandedSelection(new ArrayList<>(result.values()), options, new ArrayList<>(result.keySet()),
                warningText, confirmWarnings);
    }

    /**
     * A series that Study0 listed at Query Study0 but no longer holds: picked, or perhaps referenced by a pick, so the
     * closure would be built on a stale list. The researcher picks again from a fresh one. (A pick Study0 never
     * listed for this process is not a series of it and is ignored.)
     */
    private static void requireStillInStudy0(DicomNode source, String studyUid, List<Map<String, Object>> ofStudy,
                                             Set<String> picked) {
        Set<String> now = new LinkedHashSet<>();
        source.findSeries(studyUid).forEach(e -> now.add(e.seriesInstanceUID()));
        List<Map<String, Object>> gone = ofStudy.stream().filter(s -> !now.contains(SeriesObjects.uid(s))).toList();
        if (gone.isEmpty()) {
            return;
        }
        List<String> labels = gone.stream().map(SeriesObjects::label).toList();
        boolean anyPicked = gone.stream().anyMatch(s -> picked.contains(SeriesObjects.uid(s)));
        throw FixableInput.seriesNotInStudy0((labels.size() == 1 ? "The series " + labels.getFirst() + " is"
                : "The series " + String.join(", ", labels) + " are") + " no longer in Study0"
                + (anyPicked ? "" : " (not picked, but the list was out of date)")
                + ". The list has been updated: please pick again.");
    }

    /**
     * The Study0 PID behind a series object: variables carry none, so it comes from the staging request the object
     * names, which must be this process's own and be for that Study0 study.
     */
    private String pidOf(String studyUid, Map<String, Object> series, String studyId, long processInstanceKey) {
        long requestId = SeriesObjects.requestId(series);
        StagingRequestView request = requests.requireOwned(requestId, studyId, processInstanceKey);
        if (!studyUid.equals(request.study0StudyInstanceUid())) {
            throw new RejectedInput("staging request " + requestId + " is for another Study0 study, not " + studyUid);
        }
        return request.pid();
    }

    private static boolean isNodeId(String value) {
        return value != null && value.contains("/");
    }

    private static void expand(RtTree tree, List<Map<String, Object>> ofStudy, Set<String> tablePicks,
                               Set<String> rtPicks, Map<String, Map<String, Object>> result, List<String> warnings) {
        Map<String, Map<String, Object>> bySeries = new LinkedHashMap<>();
        ofStudy.forEach(s -> bySeries.put(SeriesObjects.uid(s), s));
        Map<String, RtNode> parents = new HashMap<>();
        for (RtNode root : tree.roots()) {
            indexParents(root, parents);
        }
        Map<String, String> approval = new HashMap<>();
        for (RtNode n : tree.nodes()) {
            if (n.approvalStatus() != null && n.seriesInstanceUID() != null) {
                approval.putIfAbsent(n.seriesInstanceUID(), n.approvalStatus());
            }
        }
        Map<String, String> because = new LinkedHashMap<>();
        Set<String> pickedHere = new LinkedHashSet<>();
        for (String uid : tablePicks) {
            if (bySeries.containsKey(uid)) {
                pickedHere.add(uid);
            }
        }
        Set<String> subtreeRoots = new LinkedHashSet<>();
        for (RtNode n : tree.nodes()) {
            if (rtPicks.contains(n.id()) || (!n.isDangling() && rtPicks.contains(n.seriesInstanceUID()))) {
                subtreeRoots.add(n.id());
                if (n.seriesInstanceUID() != null && bySeries.containsKey(n.seriesInstanceUID())) {
                    pickedHere.add(n.seriesInstanceUID());
                }
            }
        }
        RtSelection closure = tree.closure(subtreeRoots);
        warnings.addAll(closure.warnings());
        for (String uid : closure.seriesInstanceUIDs()) {
            if (!pickedHere.contains(uid)) {
                RtNode node = firstNode(tree, uid);
                RtNode parent = node == null ? null : parents.get(node.id());
                because.putIfAbsent(uid, parent == null ? "part of the picked RT set"
                        : "refers to " + parent.modality() + " '" + parent.label() + "'");
            }
        }
        // Whatever a selected object references (its ancestors in the tree) goes with it, or its links dangle.
        Set<String> withReferences = new LinkedHashSet<>(pickedHere);
        withReferences.addAll(closure.seriesInstanceUIDs());
        for (RtNode n : tree.nodes()) {
            if (n.isDangling() || !withReferences.contains(n.seriesInstanceUID())) {
                continue;
            }
            RtNode child = n;
            for (RtNode p = parents.get(n.id()); p != null; child = p, p = parents.get(p.id())) {
                if (p.isDangling() || p.seriesInstanceUID() == null) {
                    continue;
                }
                if (!pickedHere.contains(p.seriesInstanceUID())) {
                    because.putIfAbsent(p.seriesInstanceUID(), "referenced by " + child.modality() + " '"
                            + child.label() + "'");
                }
                if (withReferences.add(p.seriesInstanceUID())) {
                    warnings.addAll(p.warnings());
                }
            }
        }
        for (String uid : withReferences) {
            Map<String, Object> s = bySeries.get(uid);
            if (s == null || result.containsKey(uid)) {
                continue;
            }
            Map<String, Object> copy = SeriesObjects.copy(s);
            copy.put(SeriesObjects.ADDED_BECAUSE, pickedHere.contains(uid) ? null : because.get(uid));
            copy.put(SeriesObjects.APPROVAL_STATUS, approval.get(uid));
            result.put(uid, copy);
        }
    }

    private static void indexParents(RtNode node, Map<String, RtNode> parents) {
        for (RtNode child : node.children()) {
            parents.putIfAbsent(child.id(), node);
            indexParents(child, parents);
        }
    }

    private static RtNode firstNode(RtTree tree, String seriesUid) {
        return tree.nodes().stream().filter(n -> seriesUid.equals(n.seriesInstanceUID())).findFirst().orElse(null);
    }

    private void registerInStagingRequests(String studyId, Iterable<Map<String, Object>> selection,
                                           long processInstanceKey) {
        Map<Long, List<SeriesSelection>> chosen = new LinkedHashMap<>();
        Map<Long, List<SeriesSelection>> added = new LinkedHashMap<>();
        for (Map<String, Object> s : selection) {
            long requestId = SeriesObjects.requestId(s);
            requests.requireOwned(requestId, studyId, processInstanceKey);
            SeriesSelection row = new SeriesSelection(SeriesObjects.string(s, SeriesObjects.STUDY_UID),
                    SeriesObjects.uid(s), SeriesObjects.string(s, SeriesObjects.MODALITY),
                    SeriesObjects.string(s, SeriesObjects.DESCRIPTION),
                    SeriesObjects.integer(s, SeriesObjects.INSTANCE_COUNT));
            (s.get(SeriesObjects.ADDED_BECAUSE) == null ? chosen : added)
                    .computeIfAbsent(requestId, k -> new ArrayList<>()).add(row);
        }
        Set<Long> requests = new LinkedHashSet<>(chosen.keySet());
        requests.addAll(added.keySet());
        for (long requestId : requests) {
            studies.replaceSeries(requestId, chosen.getOrDefault(requestId, List.of()),
                    added.getOrDefault(requestId, List.of()));
        }
    }
}
