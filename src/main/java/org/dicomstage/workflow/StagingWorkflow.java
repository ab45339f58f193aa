package org.dicomstage.workflow;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import com.pixelmed.dicom.AttributeList;
import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.dicom.StudyEntry;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.rt.RtNode;
import org.dicomstage.rt.RtNodeKind;
import org.dicomstage.rt.RtSelection;
import org.dicomstage.rt.RtTree;
import org.dicomstage.rt.RtTreeBuilder;
import org.dicomstage.staging.SeriesStagingSpec;
import org.dicomstage.staging.SeriesVerification;
import org.dicomstage.staging.StageResult;
import org.dicomstage.staging.StagingService;
import org.dicomstage.study.NewStagingRequest;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.Right;
import org.dicomstage.study.SeriesProjectStatus;
import org.dicomstage.study.SeriesProjectStatuses;
import org.dicomstage.study.SeriesSelection;
import org.dicomstage.study.SeriesStatus;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StagingSeriesView;
import org.dicomstage.study.StudyDetails;
import org.dicomstage.study.StudyService;
import org.dicomstage.study.StudySummary;
import org.dicomstage.study.SubjectEnrolment;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * What the job workers do, one method per job type, in terms of studies, archives and staging. Trusts nothing
 * that a form could have set: who asks is {@code requestedBy} (set by the server when the process starts) and is
 * checked against the memberships again; series only ever come from Study0 queries of this service and must be
 * registered in a staging request of the study before they are copied.
 */
@Service
class StagingWorkflow {

    private static final Logger log = LoggerFactory.getLogger(StagingWorkflow.class);

    static final String STUDY0_QUERIED = "STUDY0_QUERIED";
    static final String SELECTION_EXPANDED = "SELECTION_EXPANDED";
    static final String SERIES_STAGED = "SERIES_STAGED";
    static final String SERIES_STAGING_FAILED = "SERIES_STAGING_FAILED";
    static final String SERIES_VERIFIED = "SERIES_VERIFIED";
    static final String SERIES_VERIFICATION_FAILED = "SERIES_VERIFICATION_FAILED";
    static final String REVIEWER_REMINDED = "REVIEWER_REMINDED";

    private final StudyService studies;
    private final StagingService staging;
    private final DicomNodeRegistry nodes;
    private final StagingMetrics metrics;
    private final WorkflowProperties properties;
    private final RequestSlots requests;
    private final HoldingNode holding;
    private final SeriesProjectStatuses projectStatuses;
    private final Map<String, PseudonymizationProfile> profiles = new ConcurrentHashMap<>();

    /**
     * Claims on staging_series rows: a worker stages a series only while it holds the claim, renewed while it
     * works, so a job handed out again (timeout) cannot copy the same series in parallel; a crashed worker's claim
     * expires after {@link #CLAIM_LEASE}.
     */
    static final Duration CLAIM_LEASE = Duration.ofMinutes(2);
    private static final Duration CLAIM_RENEWAL = Duration.ofSeconds(30);
    private static final String INSTANCE = ManagementFactory.getRuntimeMXBean().getName();
    private final ScheduledExecutorService claimRenewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "series-claim-renewer");
        t.setDaemon(true);
        return t;
    });

    StagingWorkflow(StudyService studies, StagingService staging, DicomNodeRegistry nodes, StagingMetrics metrics,
                    WorkflowProperties properties, RequestSlots requests, HoldingNode holding,
                    SeriesProjectStatuses projectStatuses) {
        this.requests = requests;
        this.holding = holding;
        this.studies = studies;
        this.projectStatuses = projectStatuses;
        this.staging = staging;
        this.nodes = nodes;
        this.metrics = metrics;
        this.properties = properties;
    }

    // ---------------------------------------------------------------- check-access

    record AccessGranted(String studyName, List<Map<String, Object>> enrolledSubjects) {
    }

    /** Throws StudyAccessDenied / DicomNotEnabled; both are audited by the study package. */
    AccessGranted checkAccess(String requestedBy, String studyId) {
        StudySummary study = studies.activateStudy(requestedBy, studyId);
        studies.requireRight(requestedBy, studyId, Right.STAGE);
        List<Map<String, Object>> options = new ArrayList<>();
        for (SubjectEnrolment e : studies.enrolledSubjects(requestedBy, studyId)) {
            options.add(SeriesObjects.option(e.studySubjectId(),
                    e.studySubjectId() + (e.siteName() == null ? "" : " (" + e.siteName() + ")")));
        }
        return new AccessGranted(study.name(), options);
    }

    // ---------------------------------------------------------------- query-study0

    /**
     * @param busyStudies Study0 studies left out because another process has an open request for them: one row each
     *                    with the subject, the study, the request and a link to it
     * @param busyNotice  the same in words for the form, empty when nothing is busy
     */
    record Study0Result(List<Map<String, Object>> availableSeries, List<Map<String, Object>> seriesTable,
                        List<Map<String, Object>> seriesOptions, List<Map<String, Object>> rtTree,
                        List<Map<String, Object>> busyStudies, String busyNotice) {
    }

    /**
     * @param study0StudyUid the Study0 study the process was started for (Edit on the lookup page), or null: a
     *                       subject with that study is shown only that one. It only narrows what the subject's own
     *                       PID query returned, so a forged value can hide studies but never add one.
     * @param startRequestId the request the lookup's Edit opened for this process before starting it, or null
     */
    Study0Result queryStudy0(String requestedBy, String studyId, List<String> selectedSubjectIds,
                             String study0StudyUid, Long startRequestId, long processInstanceKey) {
        studies.requireRight(requestedBy, studyId, Right.STAGE);
        if (selectedSubjectIds == null || selectedSubjectIds.isEmpty()) {
            throw new RejectedInput("no subject was selected");
        }
        Map<String, SubjectEnrolment> bySubjectId = new HashMap<>();
        studies.enrolledSubjects(requestedBy, studyId).forEach(e -> bySubjectId.put(e.studySubjectId(), e));
        DicomNode source = sourceNode();
        projectNode(studyId); // a study without an archive is refused before anything is listed

        List<Map<String, Object>> available = new ArrayList<>();
        List<Map<String, Object>> table = new ArrayList<>();
        List<Map<String, Object>> options = new ArrayList<>();
        List<Map<String, Object>> rtRows = new ArrayList<>();
        List<Map<String, Object>> busy = new ArrayList<>();
        for (String subjectId : new LinkedHashSet<>(selectedSubjectIds)) {
            SubjectEnrolment enrolment = bySubjectId.get(subjectId);
            if (enrolment == null) {
                throw new RejectedInput("subject '" + subjectId + "' is not enrolled in study '" + studyId + "'");
            }
            List<StudyEntry> found = source.findStudies(enrolment.pid());
            if (study0StudyUid != null && found.stream().anyMatch(s -> study0StudyUid.equals(s.studyInstanceUID()))) {
                found = found.stream().filter(s -> study0StudyUid.equals(s.studyInstanceUID())).toList();
            }
            int seriesCount = 0;
            for (StudyEntry study : found) {
                RequestSlots.RequestSlot slot = requests.slotFor(requestedBy, studyId, enrolment.pid(), study.studyInstanceUID(),
                        startRequestId, processInstanceKey);
                if (slot.busyWith() != null) {
                    busy.add(busyRow(enrolment, study, slot.busyWith()));
                    continue;
                }
                long requestId = slot.requestId();
                List<SeriesEntry> series = source.findSeries(study.studyInstanceUID());
                seriesCount += series.size();
                Map<String, SeriesProjectStatus> status = projectStatuses.of(studyId, enrolment.pid(),
                        study.studyInstanceUID());
                RtTree tree = rtTree(requestedBy, studyId, enrolment.pid(), source, series);
                Map<String, String> rtLabels = rtLabels(tree);
                for (SeriesEntry s : series) {
                    SeriesProjectStatus st = SeriesProjectStatuses.of(status, s.seriesInstanceUID());
                    String description = describe(s, rtLabels);
                    Map<String, Object> object = seriesObject(s, description, study, enrolment, requestId, st);
                    available.add(object);
                    table.add(object);
                    options.add(SeriesObjects.option(s.seriesInstanceUID(), enrolment.studySubjectId() + "  "
                            + date(study.studyDate()) + "  " + s.modality() + " #" + s.seriesNumber() + "  "
                            + description + " (" + s.numberOfSeriesRelatedInstances() + " images)  In project: "
                            + st.label()));
                }
                rtRows.addAll(rtRows(tree, status));
            }
            studies.record(requestedBy, STUDY0_QUERIED, studyId, enrolment.pid(), "node '" + source.name() + "': "
                    + found.size() + " study(ies), " + seriesCount + " series");
        }
        return new Study0Result(available, table, options, rtRows, busy, busyNotice(busy));
    }

    private static Map<String, Object> busyRow(SubjectEnrolment enrolment, StudyEntry study, StagingRequestView open) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(SeriesObjects.STUDY_SUBJECT_ID, enrolment.studySubjectId());
        row.put(SeriesObjects.STUDY_UID, study.studyInstanceUID());
        row.put(SeriesObjects.STUDY_DATE, date(study.studyDate()));
        row.put(SeriesObjects.STUDY_DESCRIPTION, study.studyDescription());
        row.put(SeriesObjects.STAGING_REQUEST_ID, open.id());
        row.put(Variables.REQUESTED_BY, open.requestedBy());
        row.put("link", RequestSlots.link(open.id()));
        return row;
    }

    private static String busyNotice(List<Map<String, Object>> busy) {
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> b : busy) {
            lines.add(b.get(SeriesObjects.STUDY_SUBJECT_ID) + ", Study0 study of " + b.get(SeriesObjects.STUDY_DATE)
                    + ": busy in request #" + b.get(SeriesObjects.STAGING_REQUEST_ID) + " of "
                    + b.get(Variables.REQUESTED_BY) + " (" + b.get("link") + "), not offered here");
        }
        return String.join("\n", lines);
    }

    private static Map<String, Object> seriesObject(SeriesEntry s, String description, StudyEntry study,
                                                    SubjectEnrolment enrolment, long requestId,
                                                    SeriesProjectStatus status) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put(SeriesObjects.SERIES_UID, s.seriesInstanceUID());
        o.put(SeriesObjects.STUDY_UID, study.studyInstanceUID());
        o.put(SeriesObjects.PATIENT_ID, enrolment.pid());
        o.put(SeriesObjects.STUDY_SUBJECT_ID, enrolment.studySubjectId());
        o.put(SeriesObjects.MODALITY, s.modality());
        o.put(SeriesObjects.DESCRIPTION, description);
        o.put(SeriesObjects.SERIES_NUMBER, s.seriesNumber());
        o.put(SeriesObjects.INSTANCE_COUNT, s.numberOfSeriesRelatedInstances());
        o.put(SeriesObjects.STUDY_DATE, date(study.studyDate()));
        o.put(SeriesObjects.STUDY_DESCRIPTION, study.studyDescription());
        o.put(SeriesObjects.STAGING_REQUEST_ID, requestId);
        o.put(SeriesObjects.IN_PROJECT, status.label());
        o.put(SeriesObjects.ALREADY_IN_PROJECT, status.inProject());
        return o;
    }

    /** RT objects often carry no series description; their plan or structure set label names them instead. */
    private static String describe(SeriesEntry s, Map<String, String> rtLabels) {
        String description = s.seriesDescription();
        return description != null && !description.isBlank() ? description
                : rtLabels.getOrDefault(s.seriesInstanceUID(), description);
    }

    private static Map<String, String> rtLabels(RtTree tree) {
        Map<String, String> labels = new HashMap<>();
        for (RtNode n : tree.nodes()) {
            if (!n.isDangling() && n.seriesInstanceUID() != null && n.label() != null && !n.label().isBlank()) {
                labels.putIfAbsent(n.seriesInstanceUID(), n.label());
            }
        }
        return labels;
    }

    /** Retrieves the headers of the RT series only: C-FIND cannot return their references. */
    private RtTree rtTree(String requestedBy, String studyId, String pid, DicomNode source, List<SeriesEntry> series) {
        List<AttributeList> headers = new ArrayList<>();
        int rtSeries = 0;
        for (SeriesEntry s : series) {
            if (RtTreeBuilder.needsHeaders(s.modality())) {
                headers.addAll(source.retrieveHeaders(s.studyInstanceUID(), s.seriesInstanceUID()));
                rtSeries++;
            }
        }
        if (rtSeries > 0) {
            studies.record(requestedBy, "RT_HEADERS_RETRIEVED", studyId, pid, "node '" + source.name() + "': "
                    + headers.size() + " header(s) of " + rtSeries + " RT series");
        }
        return RtTreeBuilder.build(series, headers);
    }

    /**
     * The RT view: RT objects and the image series they reference. An image series no RT object references is a
     * root without children; it belongs to the table view only.
     */
    private static List<Map<String, Object>> rtRows(RtTree tree, Map<String, SeriesProjectStatus> status) {
        boolean hasRt = tree.nodes().stream().anyMatch(n -> n.kind() != RtNodeKind.IMAGE_SERIES
                && n.kind() != RtNodeKind.OTHER);
        if (!hasRt) {
            return List.of(); // plain imaging: the table view says it all
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RtNode root : tree.roots()) {
            boolean unreferencedImages = (root.kind() == RtNodeKind.IMAGE_SERIES || root.kind() == RtNodeKind.OTHER)
                    && root.children().isEmpty();
            if (!unreferencedImages) {
                addRows(root, 0, rows, status);
            }
        }
        return rows;
    }

    private static void addRows(RtNode node, int depth, List<Map<String, Object>> rows,
                                Map<String, SeriesProjectStatus> status) {
        Map<String, Object> row = new LinkedHashMap<>();
        // The form submits this value; a series may sit under several parents and then repeats, harmlessly.
        row.put(SeriesObjects.SERIES_UID, node.isDangling() ? node.id() : node.seriesInstanceUID());
        row.put("nodeId", node.id());
        // The web dialog greys out DANGLING rows (their value is the node id, which no archive series has).
        row.put("kind", node.kind().name());
        row.put(SeriesObjects.MODALITY, node.isDangling() ? "MISSING" : node.modality());
        row.put(SeriesObjects.DESCRIPTION, node.isDangling() ? node.label() + " (not in Study0)" : node.label());
        row.put("depth", depth);
        row.put(SeriesObjects.APPROVAL_STATUS, node.approvalStatus());
        row.put("rtPlanLabel", node.rtPlanLabel());
        row.put("rtPlanName", node.rtPlanName());
        row.put("flagged", node.flagged() || !node.danglingReferences().isEmpty());
        if (!node.isDangling()) {
            SeriesProjectStatus st = SeriesProjectStatuses.of(status, node.seriesInstanceUID());
            row.put(SeriesObjects.IN_PROJECT, st.label());
            row.put(SeriesObjects.ALREADY_IN_PROJECT, st.inProject());
        }
        rows.add(row);
        for (RtNode child : node.children()) {
            addRows(child, depth + 1, rows, status);
        }
    }

    // ---------------------------------------------------------------- expand-selection

    record ExpandedSelection(List<Map<String, Object>> expandedSelection, List<Map<String, Object>> selectionOptions,
                             List<String> confirmedSeriesUids, String selectionWarnings) {
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
        DicomNode source = sourceNode();

        // Per Study0 study touched by the picks: its RT tree, rebuilt from the archive (the variables only
        // carry a flattened copy for display).
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Set<String> studiesTouched = new LinkedHashSet<>();
        for (String uid : picked) {
            Map<String, Object> s = available.get(uid);
            if (s != null) {
                studiesTouched.add(SeriesObjects.string(s, SeriesObjects.STUDY_UID));
            }
        }
        boolean nodeIdPicked = picked.stream().anyMatch(StagingWorkflow::isNodeId);
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
            String pid = SeriesObjects.string(ofStudy.getFirst(), SeriesObjects.PATIENT_ID);
            RtTree tree = rtTree(requestedBy, studyId, pid, source, entries);
            expand(tree, ofStudy, tablePicks, rtPicks, result, warnings);
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
        String warningText = String.join("; ", new LinkedHashSet<>(warnings));
        studies.record(requestedBy, SELECTION_EXPANDED, studyId, null, picked.size() + " picked, "
                + result.size() + " series with references" + (warningText.isEmpty() ? "" : "; " + warningText));
        return new ExpandedSelection(new ArrayList<>(result.values()), options, new ArrayList<>(result.keySet()),
                warningText);
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

    // ---------------------------------------------------------------- stage-series

    /** The stagingResult variable of one series. */
    record StagingOutcome(String seriesInstanceUid, String status, int instancesStaged, String message,
                          String targetSeriesInstanceUid) {
    }

    /** One registered series; which one to copy and for whom comes from the staging request, not the variable. */
    StagingOutcome stageSeries(String studyId, Map<String, Object> series, long processInstanceKey) {
        Target t = target(studyId, series, processInstanceKey);
        return withClaim(t, () -> stageClaimed(studyId, series, t));
    }

    /**
     * Runs the body while holding the claim on the series' row, renewed while it runs: staging and publishing a
     * series are done by one worker at a time, even when a job is handed out again after a timeout.
     */
    <T> T withClaim(Target t, java.util.function.Supplier<T> body) {
        String owner = INSTANCE + "/" + UUID.randomUUID();
        if (!studies.claimSeries(t.request.id(), t.row.seriesInstanceUid(), owner, CLAIM_LEASE)) {
            throw new SeriesBusy("series " + t.row.seriesInstanceUid() + " of staging request " + t.request.id()
                    + " is being worked on by another worker right now");
        }
        ScheduledFuture<?> renewal = claimRenewer.scheduleAtFixedRate(() -> renewClaim(t, owner),
                CLAIM_RENEWAL.toMillis(), CLAIM_RENEWAL.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return body.get();
        } finally {
            renewal.cancel(false);
            studies.releaseSeries(t.request.id(), t.row.seriesInstanceUid(), owner);
        }
    }

    private void renewClaim(Target t, String owner) {
        try {
            if (!studies.claimSeries(t.request.id(), t.row.seriesInstanceUid(), owner, CLAIM_LEASE)) {
                log.error("lost the claim on series {} of staging request {}: another worker may stage it too",
                        t.row.seriesInstanceUid(), t.request.id());
            }
        } catch (RuntimeException e) {
            log.warn("renewing the claim on series {} failed: {}", t.row.seriesInstanceUid(), e.getMessage());
        }
    }

    private StagingOutcome stageClaimed(String studyId, Map<String, Object> series, Target t) {
        long started = System.nanoTime();
        studies.markSeries(t.request.id(), t.row.seriesInstanceUid(), SeriesStatus.STAGING, 0, null, null);
        StageResult result = staging.stage(t.spec, throttledProgress(t.request.id(), t.row.seriesInstanceUid()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String what = SeriesObjects.label(series) + " (" + t.row.seriesInstanceUid() + ")";
        if (result.status() == StageResult.Status.STAGED) {
            studies.markSeries(t.request.id(), t.row.seriesInstanceUid(), SeriesStatus.STAGED,
                    result.stagedInstances(), null, result.targetSeriesInstanceUID());
            studies.record(t.request.requestedBy(), SERIES_STAGED, studyId, t.request.pid(), what + " -> "
                    + result.targetSeriesInstanceUID() + " in node '" + t.spec.target().name() + "': "
                    + result.summary());
            metrics.staged(studyId, result.stagedInstances(), took, "staged");
        } else {
            studies.markSeries(t.request.id(), t.row.seriesInstanceUid(), SeriesStatus.FAILED,
                    result.stagedInstances(), result.summary(), result.targetSeriesInstanceUID());
            studies.record(t.request.requestedBy(), SERIES_STAGING_FAILED, studyId, t.request.pid(),
                    what + ": " + result.summary());
            metrics.staged(studyId, result.stagedInstances(), took, "failed");
            metrics.failure(studyId, "business");
            log.warn("staging {} from node '{}' failed: {}", what, t.spec.source().name(), result.summary());
        }
        return new StagingOutcome(t.row.seriesInstanceUid(), result.status().name(), result.stagedInstances(),
                result.summary(), result.targetSeriesInstanceUID());
    }

    /** A technical failure the job will retry: the series shows why in the meantime. */
    void stagingAttemptFailed(String studyId, Map<String, Object> series, String message, long processInstanceKey) {
        metrics.failure(studyId, "technical");
        try {
            long requestId = SeriesObjects.requestId(series);
            requests.requireOwned(requestId, studyId, processInstanceKey);
            studies.markSeries(requestId, SeriesObjects.uid(series), SeriesStatus.FAILED, null, message, null);
        } catch (RuntimeException e) {
            log.warn("could not record the failure of series {}: {}", SeriesObjects.uid(series), e.getMessage());
        }
    }

    private IntConsumer throttledProgress(long requestId, String seriesUid) {
        long interval = properties.progressInterval().toNanos();
        int every = Math.max(1, properties.progressInstances());
        long[] last = {System.nanoTime(), 0};
        // Called from the stager's threads: serialize, and write only every N instances or T seconds.
        return staged -> {
            synchronized (last) {
                long now = System.nanoTime();
                if (staged - last[1] >= every || now - last[0] >= interval) {
                    last[0] = now;
                    last[1] = staged;
                    studies.markSeries(requestId, seriesUid, SeriesStatus.STAGING, staged, null, null);
                }
            }
        };
    }

    // ---------------------------------------------------------------- verify

    record VerificationOutcome(boolean verified, List<Map<String, Object>> verificationReport,
                               List<Map<String, Object>> failedSeries, List<Map<String, Object>> stagingProblems) {
    }

    /** Verifies every confirmed series, also those staged in an earlier round, so the report is complete. */
    VerificationOutcome verify(String studyId, List<Map<String, Object>> expandedSelection,
                               List<String> confirmedSeriesUids, long processInstanceKey) {
        Set<String> confirmed = new LinkedHashSet<>(confirmedSeriesUids == null ? List.of() : confirmedSeriesUids);
        List<Map<String, Object>> report = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        List<Map<String, Object>> problems = new ArrayList<>();
        for (Map<String, Object> series : expandedSelection == null ? List.<Map<String, Object>>of() : expandedSelection) {
            if (!confirmed.contains(SeriesObjects.uid(series))) {
                continue;
            }
            Target t = target(studyId, series, processInstanceKey);
            String what = SeriesObjects.label(series) + " (" + t.row.seriesInstanceUid() + ")";
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(SeriesObjects.DESCRIPTION, SeriesObjects.label(series));
            String problem;
            if (t.row.status() == SeriesStatus.FAILED || t.row.status() == SeriesStatus.PENDING
                    || t.row.status() == SeriesStatus.STAGING) {
                problem = t.row.status() == SeriesStatus.FAILED && t.row.failureReason() != null
                        ? "staging failed: " + t.row.failureReason() : "not staged (" + t.row.status() + ")";
                row.put(SeriesObjects.SERIES_UID, t.row.targetSeriesInstanceUid());
                row.put("expectedInstances", t.row.expectedInstances());
                row.put("stagedInstances", t.row.stagedInstances());
                row.put("checks", "not verified");
                row.put("result", "FAILED: " + problem);
            } else {
                SeriesVerification v = staging.verify(t.spec);
                row.put(SeriesObjects.SERIES_UID, v.targetSeriesInstanceUID());
                row.put("expectedInstances", v.sourceInstances());
                row.put("stagedInstances", v.targetInstances());
                row.put("checks", "count, UIDs, identifiers, pixel data (" + v.pixelDigestsCompared()
                        + "), references (" + v.referencesChecked() + ")");
                problem = v.verified() ? null : String.join("; ", v.problems());
                row.put("result", v.verified()
                        ? (v.warnings().isEmpty() ? "OK" : "OK with warnings: " + String.join("; ", v.warnings()))
                        : "FAILED: " + problem);
                studies.markSeries(t.request.id(), t.row.seriesInstanceUid(),
                        v.verified() ? SeriesStatus.VERIFIED : SeriesStatus.FAILED, null,
                        v.verified() ? null : "verification: " + problem, null);
                studies.record(t.request.requestedBy(), v.verified() ? SERIES_VERIFIED : SERIES_VERIFICATION_FAILED,
                        studyId, t.request.pid(), what + (v.verified() ? ": OK" : ": " + problem));
            }
            report.add(row);
            if (problem != null) {
                failed.add(series);
                Map<String, Object> p = new LinkedHashMap<>();
                p.put(SeriesObjects.SERIES_UID, t.row.seriesInstanceUid());
                p.put(SeriesObjects.DESCRIPTION, SeriesObjects.label(series));
                p.put("problem", problem);
                problems.add(p);
            }
        }
        if (report.isEmpty()) {
            throw new RejectedInput("nothing to verify: no confirmed series in the selection");
        }
        return new VerificationOutcome(failed.isEmpty(), report, failed, problems);
    }

    // ---------------------------------------------------------------- remind-reviewer

    void remindReviewer(String requestedBy, String studyId, long processInstanceKey) {
        // No mail server exists: the audit trail and the log are the reminder's record.
        studies.record(requestedBy, REVIEWER_REMINDED, studyId, null,
                "review of the staged copy (process instance " + processInstanceKey + ") is still open");
        log.info("reminder: {} has not reviewed the staged copy for study {} yet", requestedBy, studyId);
    }

    // ---------------------------------------------------------------- close-request

    /**
     * Closes every staging request of the process instance (see {@link StudyService#closeRequestsOf}), so Edit on
     * the lookup page starts a new one instead of resuming a finished process. Closing twice changes nothing.
     *
     * @param outcome the close task's header, a {@link RequestOutcome} name
     */
    List<Long> closeRequests(long processInstanceKey, String outcome) {
        RequestOutcome how;
        try {
            how = RequestOutcome.valueOf(outcome == null ? "" : outcome);
        } catch (IllegalArgumentException e) {
            throw new RejectedInput("the task's " + ProcessDefinition.Headers.REQUEST_OUTCOME + " header is '" + outcome
                    + "', not one of " + java.util.Arrays.toString(RequestOutcome.values()));
        }
        return studies.closeRequestsOf(processInstanceKey, how);
    }

    // ---------------------------------------------------------------- shared

    /** A registered series of one of the process's own requests; the spec stages into the holding node. */
    record Target(StagingRequestView request, StagingSeriesView row, SeriesStagingSpec spec) {
    }

    Target target(String studyId, Map<String, Object> series, long processInstanceKey) {
        Objects.requireNonNull(series, Variables.SERIES);
        String uid = SeriesObjects.uid(series);
        StagingRequestView request = requests.requireOwned(SeriesObjects.requestId(series), studyId,
                processInstanceKey);
        StagingSeriesView row = request.series().stream().filter(r -> r.seriesInstanceUid().equals(uid)).findFirst()
                .orElseThrow(() -> new RejectedInput("series " + uid + " is not registered in staging request "
                        + request.id() + " of study '" + studyId + "'"));
        StudyDetails study = studies.studyForStaging(studyId, request.pid());
        SubjectEnrolment enrolment = study.enrolment();
        ClinicalTrial trial = new ClinicalTrial(study.sponsor(), study.protocolId(), study.protocolName(),
                enrolment.siteId(), enrolment.siteName());
        PseudonymContext context = new PseudonymContext(studies.studySecret(studyId), enrolment.studySubjectId(),
                trial);
        SeriesStagingSpec spec = new SeriesStagingSpec(sourceNode(), holding.node(), profile(study.profileName()),
                context, row.studyInstanceUid(), uid);
        return new Target(request, row, spec);
    }

    private PseudonymizationProfile profile(String name) {
        if (name == null || name.isBlank()) {
            throw new RejectedInput("the study has no pseudonymization profile");
        }
        // A name is a built-in profile; anything that looks like a path is a profile file.
        PseudonymizationProfile profile = profiles.computeIfAbsent(name, n -> n.contains("/") || n.endsWith(".yaml")
                || n.endsWith(".yml") ? PseudonymizationProfile.load(Path.of(n)) : PseudonymizationProfile.builtin(n));
        if (profile.retainUIDs()) {
            // Staging and its verification find the copy under the keyed UIDs; the source's own would collide with it.
            throw new RejectedInput("profile " + profile.name() + " retains UIDs: staging writes every copy under new"
                    + " UIDs; Retain UIDs is for the command line");
        }
        return profile;
    }

    /** " from node 'study0' to node 'project'", for messages; empty if the nodes cannot be resolved. */
    String route(String studyId) {
        try {
            return " from node '" + sourceNode().name() + "' to node '" + holding.node().name() + "'";
        } catch (RuntimeException e) {
            return "";
        }
    }

    DicomNode sourceNode() {
        String name = studies.sourceStudy().archiveNode();
        return nodes.node(name == null || name.isBlank() ? nodes.defaultSourceNode() : name);
    }

    DicomNode projectNode(String studyId) {
        String name = studies.studyForStaging(studyId).archiveNode();
        if (name == null || name.isBlank()) {
            throw new RejectedInput("study '" + studyId + "' has no archive node");
        }
        return nodes.node(name);
    }

    private static String date(String dicomDate) {
        return dicomDate != null && dicomDate.length() == 8
                ? dicomDate.substring(0, 4) + "-" + dicomDate.substring(4, 6) + "-" + dicomDate.substring(6) : dicomDate;
    }

    /** Input no retry can fix (forged or stale variables): the job fails without retries, with this message. */
    static final class RejectedInput extends RuntimeException {
        RejectedInput(String message) {
            super(message);
        }
    }

    /** Another worker holds the claim on the series: a technical failure, retried after the backoff. */
    static final class SeriesBusy extends RuntimeException {
        SeriesBusy(String message) {
            super(message);
        }
    }

    /** The researcher picked nothing: back to picking, with a notice. */
    static final class NothingSelected extends RuntimeException {
        NothingSelected(String message) {
            super(message);
        }
    }
}
