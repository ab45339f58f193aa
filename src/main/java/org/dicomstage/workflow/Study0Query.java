package org.dicomstage.workflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.dicom.StudyEntry;
import org.dicomstage.rt.RtNode;
import org.dicomstage.rt.RtNodeKind;
import org.dicomstage.rt.RtTree;
import org.dicomstage.study.Right;
import org.dicomstage.study.StagingAccess;
import org.dicomstage.study.SeriesProjectStatus;
import org.dicomstage.study.SeriesProjectStatuses;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StudyService;
import org.dicomstage.study.SubjectEnrolment;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.stereotype.Service;

/**
 * Query Study0: the chosen subjects' Study0 studies and series with their status in the project, the RT view, and
 * the studies another process is busy with. Series only ever come from here, registered in a request of the process.
 */
@Service
class Study0Query {

    static final String STUDY0_QUERIED = "STUDY0_QUERIED";

    private final StudyService studies;
    private final RequestSlots requests;
    private final SeriesProjectStatuses projectStatuses;
    private final StagingTargets targets;

    Study0Query(StudyService studies, RequestSlots requests, SeriesProjectStatuses projectStatuses, StagingTargets targets) {
        this.studies = studies;
        this.requests = requests;
        this.projectStatuses = projectStatuses;
        this.targets = targets;
    }

    /**
     * @param busyStudies Study0 studies left out because another process has an open request for them: one row each
     *                    with the subject, the study, the request and a link to it
     * @param busyNotice  the same in words for the form, empty when nothing is busy
     */
    record Study0Result(List<Map<String, Object>> seriesTable, List<Map<String, Object>> seriesOptions, List<Map<String, Object>> rtTree,
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
        if (selectedSubjectIds == null || selectedSubjectIds.isEmpty()) {
            studies.requireRight(requestedBy, studyId, Right.STAGE); // access first, as for any input
            throw FixableInput.subjectUnavailable("No subject was selected. Choose a subject.");
        }
        // STAGE, the subject list and the study's archive node in one transaction and one membership lookup.
        StagingAccess access = studies.stagingAccess(requestedBy, studyId, false);
        Map<String, SubjectEnrolment> bySubjectId = new HashMap<>();
        access.subjects().forEach(e -> bySubjectId.put(e.studySubjectId(), e));
        DicomNode source = targets.sourceNode();
        targets.projectNode(access.study()); // a study without an archive is refused before anything is listed

        List<Map<String, Object>> table = new ArrayList<>();
        List<Map<String, Object>> options = new ArrayList<>();
        List<Map<String, Object>> rtRows = new ArrayList<>();
        List<Map<String, Object>> busy = new ArrayList<>();
        for (String subjectId : new LinkedHashSet<>(selectedSubjectIds)) {
            SubjectEnrolment enrolment = bySubjectId.get(subjectId);
            if (enrolment == null) {
                // Withdrawn since it was chosen (or never enrolled): the researcher chooses again.
                throw FixableInput.subjectUnavailable("Subject " + subjectId + " is no longer enrolled in "
                        + studyId + ". Choose another subject.");
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
                RtTree tree = targets.rtTree(requestedBy, studyId, enrolment.pid(), source, series);
                Map<String, String> rtLabels = rtLabels(tree);
                for (SeriesEntry s : series) {
                    SeriesProjectStatus st = SeriesProjectStatuses.of(status, s.seriesInstanceUID());
                    String description = describe(s, rtLabels);
                    Map<String, Object> object = seriesObject(s, description, study, enrolment, requestId, st);
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
        return new Study0Result(table, options, rtRows, busy, busyNotice(busy));
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

    private static String date(String dicomDate) {
        return dicomDate != null && dicomDate.length() == 8
                ? dicomDate.substring(0, 4) + "-" + dicomDate.substring(4, 6) + "-" + dicomDate.substring(6) : dicomDate;
    }
}
