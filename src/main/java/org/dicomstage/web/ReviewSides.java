package org.dicomstage.web;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.staging.ReviewImages;
import org.dicomstage.study.SeriesStatus;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StagingSeriesView;
import org.dicomstage.study.StudyService;
import org.springframework.stereotype.Component;

/**
 * Where the viewer finds the two sides of a request's series: Study0's original in Study0's node, and the copy in the
 * holding node while it is held for review (staged or verified) or in the study's project archive once published.
 * The copy's UIDs are keyed by the study secret, which stays in this call.
 */
@Component
class ReviewSides {

    /** The node staging writes to and the review reads ({@code dicomstage.nodes.holding}). */
    static final String HOLDING_NODE = "holding";

    /** Series without images: their contents are checked by the verification, not looked at. */
    private static final Set<String> NOT_IMAGES = Set.of("RTSTRUCT", "RTPLAN", "RTRECORD", "SR", "KO", "PR", "REG",
            "SEG", "DOC", "PLAN", "FID", "RWV");

    enum Side {
        SOURCE, COPY;

        static Side of(String value) {
            try {
                return valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new ApiErrors.BadRequest("'side' is not 'source' or 'copy'.");
            }
        }
    }

    private final StudyService studies;
    private final DicomNodeRegistry nodes;

    ReviewSides(StudyService studies, DicomNodeRegistry nodes) {
        this.studies = studies;
        this.nodes = nodes;
    }

    static boolean isImageSeries(StagingSeriesView series) {
        return series.modality() == null || !NOT_IMAGES.contains(series.modality().toUpperCase(Locale.ROOT));
    }

    static boolean isStructureSet(StagingSeriesView series) {
        return "RTSTRUCT".equalsIgnoreCase(series.modality());
    }

    /** The series of the request, refused as unknown when the request has no such series. */
    static StagingSeriesView series(StagingRequestView request, String seriesInstanceUid) {
        return request.series().stream().filter(s -> s.seriesInstanceUid().equals(seriesInstanceUid)).findFirst()
                .orElseThrow(() -> new ApiErrors.BadRequest("Request " + request.id() + " has no such series."));
    }

    Optional<ReviewImages.Location> locate(StagingRequestView request, StagingSeriesView series, Side side) {
        if (side == Side.SOURCE) {
            String name = studies.sourceStudy().archiveNode();
            return Optional.of(new ReviewImages.Location(nodes.node(name == null || name.isBlank()
                    ? nodes.defaultSourceNode() : name), series.studyInstanceUid(), series.seriesInstanceUid()));
        }
        String node = copyNode(request, series);
        if (node == null) {
            return Optional.empty();
        }
        return Optional.of(ReviewImages.copyOf(nodes.node(node), studies.studySecret(request.studyIdentifier()),
                series.studyInstanceUid(), series.seriesInstanceUid()));
    }

    /** The node name holding the copy, or null where there is none to look at. */
    String copyNode(StagingRequestView request, StagingSeriesView series) {
        if (series.status() == SeriesStatus.PUBLISHED) {
            String archive = studies.studyForStaging(request.studyIdentifier()).archiveNode();
            return archive == null || archive.isBlank() ? null : archive;
        }
        boolean held = series.status() == SeriesStatus.STAGED || series.status() == SeriesStatus.VERIFIED;
        return held && request.closedAt() == null && nodes.names().contains(HOLDING_NODE) ? HOLDING_NODE : null;
    }

    /** Where the copy is, in words; or why there is none to look at. */
    String copyInWords(StagingRequestView request, StagingSeriesView series) {
        if (copyNode(request, series) != null) {
            return series.status() == SeriesStatus.PUBLISHED ? "Copy in the project archive"
                    : "Copy held for review";
        }
        return switch (series.status()) {
            case PENDING, STAGING -> request.closedAt() == null ? "No copy yet: being staged"
                    : "No copy: the request was closed without publishing it";
            case FAILED -> "No copy: staging failed";
            default -> "No copy to show";
        };
    }
}
