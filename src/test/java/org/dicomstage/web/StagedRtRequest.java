package org.dicomstage.web;

import java.util.ArrayList;
import java.util.List;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.staging.SeriesStagingSpec;
import org.dicomstage.staging.StageResult;
import org.dicomstage.staging.StagingService;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.NewStagingRequest;
import org.dicomstage.study.SeriesSelection;
import org.dicomstage.study.SeriesStatus;
import org.dicomstage.study.StudyDetails;
import org.dicomstage.study.StudyService;
import org.dicomstage.testing.SharedData;

/**
 * A staging request of the shared RT set (HN-RT-01: CT, structure set, plan, dose) held for review: Study0 holds the
 * set, and its CT, structure set and dose are staged into the holding node by the real stager with the study's
 * profile and secret, then marked verified, as the stage and verify workers leave a request at the review task.
 */
final class StagedRtRequest {

    private StagedRtRequest() {
    }

    /** The open request of HN-RT-01, staged the first time this is called in a context. */
    static long open(StudyService studies, DicomNodeRegistry nodes, StagingService staging) {
        String study = DemoStudyData.RT_HN_2026;
        String pid = DemoStudyData.RT_FIXTURE_PID;
        var existing = studies.findOpenRequest(study, pid, SharedData.RT_STUDY_UID);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        EmbeddedArchive study0 = nodes.archive(DemoStudyData.STUDY0_NODE).orElseThrow();
        study0.importDirectory(SharedData.rtSet());
        DicomNode source = nodes.node(DemoStudyData.STUDY0_NODE);
        DicomNode holding = nodes.node(DemoStudyData.HOLDING_NODE);
        long id = studies.createStagingRequest(new NewStagingRequest(DemoStudyData.RESEARCHER, study, pid,
                SharedData.RT_STUDY_UID));
        List<SeriesEntry> series = source.findSeries(SharedData.RT_STUDY_UID).stream()
                .filter(s -> List.of("CT", "RTSTRUCT", "RTDOSE").contains(s.modality())).toList();
        List<SeriesSelection> picked = new ArrayList<>();
        for (SeriesEntry s : series) {
            picked.add(new SeriesSelection(s.studyInstanceUID(), s.seriesInstanceUID(), s.modality(),
                    s.seriesDescription(), s.numberOfSeriesRelatedInstances()));
        }
        studies.addSeries(id, picked, List.of());
        StudyDetails details = studies.studyForStaging(study, pid);
        PseudonymContext context = new PseudonymContext(studies.studySecret(study),
                details.enrolment().studySubjectId(), new ClinicalTrial(details.sponsor(), details.protocolId(),
                details.protocolName(), details.enrolment().siteId(), details.enrolment().siteName()));
        for (SeriesEntry s : series) {
            StageResult result = staging.stage(new SeriesStagingSpec(source, holding,
                    PseudonymizationProfile.builtin(details.profileName()), context, s.studyInstanceUID(),
                    s.seriesInstanceUID()));
            if (result.status() != StageResult.Status.STAGED) {
                throw new IllegalStateException("staging " + s.modality() + " failed: " + result.summary());
            }
            studies.markSeries(id, s.seriesInstanceUID(), SeriesStatus.VERIFIED, result.stagedInstances(), null,
                    result.targetSeriesInstanceUID());
        }
        return id;
    }
}
