package org.dicomstage.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import com.pixelmed.dicom.AttributeList;
import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.rt.RtTree;
import org.dicomstage.rt.RtTreeBuilder;
import org.dicomstage.staging.SeriesStagingSpec;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StagingSeriesView;
import org.dicomstage.study.StagingStudy;
import org.dicomstage.study.StudyDetails;
import org.dicomstage.study.StudyService;
import org.dicomstage.study.SubjectEnrolment;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.stereotype.Service;

/**
 * What a job works on, resolved from the database and never from a form: the registered series of one of the
 * process's own requests, the study's profile and pseudonym context, and the nodes it is copied between.
 */
@Service
class StagingTargets {

    private final StudyService studies;
    private final DicomNodeRegistry nodes;
    private final RequestSlots requests;
    private final HoldingNode holding;
    private final Map<String, PseudonymizationProfile> profiles = new ConcurrentHashMap<>();

    StagingTargets(StudyService studies, DicomNodeRegistry nodes, RequestSlots requests, HoldingNode holding) {
        this.studies = studies;
        this.nodes = nodes;
        this.requests = requests;
        this.holding = holding;
    }

    /** A registered series of one of the process's own requests; the spec stages into the holding node. */
    record Target(StagingRequestView request, StagingSeriesView row, SeriesStagingSpec spec) {
    }

    Target target(String studyId, Map<String, Object> series, long processInstanceKey) {
        return resolver(studyId, processInstanceKey).target(series);
    }

    /**
     * For a job that works on many series of the process at once (verify, publish, clear): each request, the
     * study with the subject's enrolment, the secret and the nodes are looked up once, not once per series, and the
     * study, Study0 and the secret in one transaction ({@link StudyService#stagingStudy}). A resolver lives as long
     * as one job's loop; it does not see what changes in the database meanwhile.
     */
    Resolver resolver(String studyId, long processInstanceKey) {
        return new Resolver(studyId, processInstanceKey);
    }

    final class Resolver {
        private final String studyId;
        private final long processInstanceKey;
        private final Map<Long, StagingRequestView> requestsById = new HashMap<>();
        private final Map<String, StagingStudy> studyByPid = new HashMap<>();
        private DicomNode source;
        private DicomNode held;

        private Resolver(String studyId, long processInstanceKey) {
            this.studyId = studyId;
            this.processInstanceKey = processInstanceKey;
        }

        Target target(Map<String, Object> series) {
            Objects.requireNonNull(series, Variables.SERIES);
            String uid = SeriesObjects.uid(series);
            StagingRequestView request = requestsById.computeIfAbsent(SeriesObjects.requestId(series),
                    id -> requests.requireOwned(id, studyId, processInstanceKey));
            StagingSeriesView row = request.series().stream().filter(r -> r.seriesInstanceUid().equals(uid))
                    .findFirst().orElseThrow(() -> new RejectedInput("series " + uid + " is not registered in"
                            + " staging request " + request.id() + " of study '" + studyId + "'"));
            StagingStudy found = studyByPid.computeIfAbsent(request.pid(),
                    pid -> studies.stagingStudy(studyId, pid));
            StudyDetails study = found.study();
            SubjectEnrolment enrolment = study.enrolment();
            ClinicalTrial trial = new ClinicalTrial(study.sponsor(), study.protocolId(), study.protocolName(),
                    enrolment.siteId(), enrolment.siteName());
            if (source == null) {
                source = sourceNode(found.source());
                held = holding.node();
            }
            PseudonymContext context = new PseudonymContext(found.secret(), enrolment.studySubjectId(), trial);
            SeriesStagingSpec spec = new SeriesStagingSpec(source, held, profile(study.profileName()), context,
                    row.studyInstanceUid(), uid);
            return new Target(request, row, spec);
        }
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
        return sourceNode(studies.sourceStudy());
    }

    private DicomNode sourceNode(StudyDetails study0) {
        String name = study0.archiveNode();
        return nodes.node(name == null || name.isBlank() ? nodes.defaultSourceNode() : name);
    }

    DicomNode projectNode(String studyId) {
        return projectNode(studies.studyForStaging(studyId));
    }

    /** The node of a study read already (e.g. with the access check), without reading it again. */
    DicomNode projectNode(StudyDetails study) {
        String studyId = study.identifier();
        String name = study.archiveNode();
        if (name == null || name.isBlank()) {
            throw new RejectedInput("study '" + studyId + "' has no archive node");
        }
        return nodes.node(name);
    }

    /** Retrieves the headers of the RT series only: C-FIND cannot return their references. */
    RtTree rtTree(String requestedBy, String studyId, String pid, DicomNode source, List<SeriesEntry> series) {
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
}
