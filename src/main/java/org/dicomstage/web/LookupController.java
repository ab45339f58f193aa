package org.dicomstage.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.BulkSearchResult;
import org.dicomstage.study.Right;
import org.dicomstage.study.SeriesProjectStatus;
import org.dicomstage.study.SeriesProjectStatuses;
import org.dicomstage.study.StudyNotFound;
import org.dicomstage.study.StudyService;
import org.dicomstage.study.SubjectSearchResult;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** DICOM Lookup: subject search, bulk search and a subject's Study0 studies; every call checks LOOKUP. */
@RestController
class LookupController {

    /** Room for {@link StudyService#MAX_BULK_TERMS} identifiers with their separators. */
    static final int MAX_BULK_BODY = 64 * 1024;

    private final StudyService studies;
    private final ObjectProvider<PatientStudies> patientStudies;
    private final ObjectMapper json;
    private final SeriesProjectStatuses projectStatuses;

    LookupController(StudyService studies, ObjectProvider<PatientStudies> patientStudies, ObjectMapper json,
                     SeriesProjectStatuses projectStatuses) {
        this.studies = studies;
        this.patientStudies = patientStudies;
        this.json = json;
        this.projectStatuses = projectStatuses;
    }

    @GetMapping("/api/studies/{study}/subjects")
    SubjectSearchResult search(@PathVariable String study, @RequestParam(defaultValue = "") String q,
                               Principal user) {
        return studies.searchSubjects(user.getName(), Ids.study(study), Ids.query("q", q));
    }

    /**
     * The body is read here, up to {@link #MAX_BULK_BODY} bytes, instead of by the JSON converter: a pasted list of
     * 700,000 terms would otherwise be parsed and matched in full before anything refused it.
     */
    @PostMapping("/api/studies/{study}/subjects/bulk")
    BulkSearchResult bulk(@PathVariable String study, HttpServletRequest request, Principal user)
            throws IOException {
        Ids.study(study);
        byte[] body = request.getInputStream().readNBytes(MAX_BULK_BODY + 1);
        if (body.length > MAX_BULK_BODY) {
            throw new ApiErrors.BadRequest("A bulk search is at most " + MAX_BULK_BODY / 1024 + " KiB ("
                    + StudyService.MAX_BULK_TERMS + " terms): split the list.");
        }
        BulkQuery query;
        try {
            query = json.readValue(body, BulkQuery.class);
        } catch (IOException e) {
            throw new ApiErrors.BadRequest("The request body is not the JSON this call expects: {\"text\": \"...\"}.");
        }
        return studies.bulkSearch(user.getName(), study, query.text());
    }

    @GetMapping("/api/studies/{study}/subjects/{pid}/dicom-studies")
    List<StudyRowView> dicomStudies(@PathVariable String study, @PathVariable String pid, Principal user) {
        requireEnrolled(studies, user.getName(), Ids.study(study), Ids.pid(pid), Right.LOOKUP);
        if (studies.studyForStaging(study).source()) {
            // Study0 is where copies come from: it has no project archive to compare with, and no secret.
            throw new ApiErrors.BadRequest("Study " + study + " is the research archive itself, not a project: "
                    + "switch to a project study to look up what is staged.");
        }
        PatientStudies port = patientStudies.getIfAvailable();
        if (port == null) {
            throw new ApiErrors.Unavailable("Study0 listing is not configured in this deployment");
        }
        return port.studiesOf(study, pid).stream().map(StudyRowView::of).toList();
    }

    /**
     * The series of one Study0 study, each with its own In project status (from the staging requests), so a
     * researcher can check series by series what is already copied.
     */
    @GetMapping("/api/studies/{study}/subjects/{pid}/dicom-studies/{studyUid}/series")
    List<SeriesRowView> dicomSeries(@PathVariable String study, @PathVariable String pid,
                                    @PathVariable String studyUid, Principal user) {
        requireEnrolled(studies, user.getName(), study, pid, Right.LOOKUP);
        PatientStudies port = patientStudies.getIfAvailable();
        if (port == null) {
            throw new ApiErrors.Unavailable("Study0 listing is not configured in this deployment");
        }
        Map<String, SeriesProjectStatus> status = projectStatuses.of(study, pid, studyUid);
        return port.seriesOf(pid, studyUid).stream()
                .map(r -> SeriesRowView.of(r, SeriesProjectStatuses.of(status, r.seriesInstanceUid()))).toList();
    }

    /**
     * The right in the study, and the subject enrolled in it: a PID from another study is refused like a forged
     * study id (audited, 403), so the lookup cannot be used to probe Study0 for arbitrary patients.
     */
    static void requireEnrolled(StudyService studies, String user, String study, String pid, Right right) {
        studies.requireRight(user, study, right);
        try {
            studies.studyForStaging(study, pid);
        } catch (StudyNotFound e) {
            studies.record(user, AuditActions.ACCESS_DENIED, study, pid, "subject is not enrolled in the study");
            throw new ApiErrors.Forbidden("subject not enrolled",
                    "Subject " + pid + " is not enrolled in study " + study + ".");
        }
    }

    record BulkQuery(String text) {
    }

    /** A series with its In project status in words and as a flag. */
    record SeriesRowView(String seriesInstanceUid, String modality, String seriesNumber, String description,
                         int instanceCount, String inProject, boolean alreadyInProject, String activity) {

        static SeriesRowView of(PatientStudies.SeriesRow row, SeriesProjectStatus status) {
            return new SeriesRowView(row.seriesInstanceUid(), row.modality(), row.seriesNumber(), row.description(),
                    row.instanceCount(), status.label(), status.inProject(), status.activity().name());
        }
    }

    /** A row with the Project column worked out: No, Partial (n of m) or Yes. */
    record StudyRowView(String studyInstanceUid, String studyDate, String description, List<String> modalities,
                        int seriesCount, int seriesInProject, String project) {

        static StudyRowView of(PatientStudies.StudyRow row) {
            String project = row.seriesInProject() == 0 ? "No"
                    : row.seriesInProject() == row.seriesCount() ? "Yes"
                    : "Partial (" + row.seriesInProject() + " of " + row.seriesCount() + ")";
            return new StudyRowView(row.studyInstanceUid(), row.studyDate(), row.description(), row.modalities(),
                    row.seriesCount(), row.seriesInProject(), project);
        }
    }
}
