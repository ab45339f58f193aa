package org.dicomstage.web;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.dicom.StudyEntry;
import org.dicomstage.staging.StagedStatus;
import org.dicomstage.staging.StagingService;
import org.dicomstage.study.StudyDetails;
import org.dicomstage.study.StudyService;
import org.springframework.stereotype.Component;

/**
 * The lookup page's Study0 listing from the archives themselves: the patient's studies in Study0's node, and for
 * each how many series the research study's project node already holds (keyed UIDs, so the study secret is
 * needed; it stays in this call).
 */
@Component
class Study0PatientStudies implements PatientStudies {

    private final StudyService studies;
    private final DicomNodeRegistry nodes;
    private final StagingService staging;

    Study0PatientStudies(StudyService studies, DicomNodeRegistry nodes, StagingService staging) {
        this.studies = studies;
        this.nodes = nodes;
        this.staging = staging;
    }

    @Override
    public List<StudyRow> studiesOf(String studyIdentifier, String pid) {
        DicomNode source = source();
        StudyDetails project = studies.studyForStaging(studyIdentifier);
        // A study without its own archive has nothing staged: every row says No rather than the listing failing.
        DicomNode target = project.archiveNode() == null || project.archiveNode().isBlank() ? null
                : nodes.node(project.archiveNode());
        byte[] secret = target == null ? null : studies.studySecret(studyIdentifier);
        return source.findStudies(pid).stream()
                .sorted(Comparator.comparing((StudyEntry s) -> s.studyDate() == null ? "" : s.studyDate()).reversed())
                .map(s -> row(source, target, secret, s))
                .toList();
    }

    @Override
    public List<SeriesRow> seriesOf(String pid, String studyInstanceUid) {
        DicomNode source = source();
        // Only a study the patient's own query returns: a UID of another patient's study lists nothing.
        if (source.findStudies(pid).stream().noneMatch(s -> studyInstanceUid.equals(s.studyInstanceUID()))) {
            return List.of();
        }
        return source.findSeries(studyInstanceUid).stream()
                .map(s -> new SeriesRow(s.seriesInstanceUID(), s.modality(), s.seriesNumber(), s.seriesDescription(),
                        s.numberOfSeriesRelatedInstances()))
                .sorted(Comparator.comparingInt((SeriesRow r) -> number(r.seriesNumber())))
                .toList();
    }

    private DicomNode source() {
        String sourceName = studies.sourceStudy().archiveNode();
        return nodes.node(sourceName == null || sourceName.isBlank() ? nodes.defaultSourceNode() : sourceName);
    }

    private static int number(String seriesNumber) {
        try {
            return seriesNumber == null ? Integer.MAX_VALUE : Integer.parseInt(seriesNumber.trim());
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private StudyRow row(DicomNode source, DicomNode target, byte[] secret, StudyEntry study) {
        String uid = study.studyInstanceUID();
        int staged;
        int total;
        if (target != null) {
            StagedStatus status = staging.stagedStatus(source, target, secret, uid);
            staged = status.stagedSeries();
            total = status.totalSeries();
        } else {
            staged = 0;
            total = source.findSeries(uid).size();
        }
        List<String> modalities = study.modalitiesInStudy();
        if (modalities == null || modalities.isEmpty()) {
            // Not every archive answers ModalitiesInStudy; the series know theirs.
            modalities = List.copyOf(new LinkedHashSet<>(source.findSeries(uid).stream().map(SeriesEntry::modality)
                    .filter(m -> m != null && !m.isBlank()).toList()));
        }
        return new StudyRow(uid, isoDate(study.studyDate()), study.studyDescription(), modalities, total,
                Math.min(staged, total));
    }

    private static String isoDate(String dicomDate) {
        return dicomDate != null && dicomDate.length() == 8
                ? dicomDate.substring(0, 4) + "-" + dicomDate.substring(4, 6) + "-" + dicomDate.substring(6)
                : dicomDate == null || dicomDate.isBlank() ? null : dicomDate;
    }
}
