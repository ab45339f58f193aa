package org.dicomstage.web;

import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.dicomstage.staging.ReviewImages;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.Right;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StagingSeriesView;
import org.dicomstage.study.StudyAccessDenied;
import org.dicomstage.study.StudyNotFound;
import org.dicomstage.study.StudyService;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The review viewer's data: a request's image series, each side (Study0's original, the staged copy) slice by slice as
 * PNGs rendered on the server, and the structure sets' contours on them. Whoever may see the request (LOOKUP in its
 * study, as the request pages) may look; opening the viewer and each series shown are audited, single slices are
 * not (a scroll through a CT would write hundreds of events), refusals always are.
 */
@RestController
class ViewerController {

    static final String VIEWER_OPENED = "VIEWER_OPENED";
    static final String VIEWER_SERIES_SHOWN = "VIEWER_SERIES_SHOWN";

    /** Slices do not change while a copy is held; a re-staged copy is read again after the cache's age anyway. */
    private static final CacheControl SLICE_CACHING = CacheControl.maxAge(Duration.ofMinutes(5)).cachePrivate();

    private final StudyService studies;
    private final ReviewSides sides;
    private final ReviewImages images;

    ViewerController(StudyService studies, ReviewSides sides, ReviewImages images) {
        this.studies = studies;
        this.sides = sides;
        this.images = images;
    }

    record SeriesEntry(String seriesInstanceUid, String modality, String description, boolean selected,
                       String status, boolean hasCopy, String copy) {
    }

    record Manifest(long requestId, String studyIdentifier, String studySubjectId, boolean open,
                    List<SeriesEntry> series, boolean hasStructureSets) {
    }

    record SideImages(String side, String modality, List<ReviewImages.Slice> slices) {
    }

    @GetMapping("/api/requests/{id}/viewer")
    Manifest manifest(@PathVariable long id, Principal user) {
        StagingRequestView request = VisibleRequests.require(studies, user.getName(), id);
        studies.record(user.getName(), VIEWER_OPENED, request.studyIdentifier(), request.pid(), "request " + id);
        List<SeriesEntry> series = request.series().stream().filter(ReviewSides::isImageSeries)
                .map(s -> new SeriesEntry(s.seriesInstanceUid(), s.modality(), s.description(), s.selected(),
                        s.status().name(), sides.copyNode(request, s) != null, sides.copyInWords(request, s)))
                .toList();
        return new Manifest(request.id(), request.studyIdentifier(), request.studySubjectId(),
                request.closedAt() == null, series, request.series().stream().anyMatch(ReviewSides::isStructureSet));
    }

    @GetMapping("/api/requests/{id}/viewer/series/{series}/{side}")
    SideImages series(@PathVariable long id, @PathVariable String series, @PathVariable String side,
                      Principal user) {
        StagingRequestView request = visible(user.getName(), id);
        StagingSeriesView row = ReviewSides.series(request, Ids.uid("series", series));
        ReviewSides.Side which = ReviewSides.Side.of(side);
        ReviewImages.Location location = locate(request, row, which);
        ReviewImages.SeriesImages shown = images.series(location);
        studies.record(user.getName(), VIEWER_SERIES_SHOWN, request.studyIdentifier(), request.pid(), "request " + id
                + ": " + label(row) + ", " + (which == ReviewSides.Side.SOURCE ? "Study0 original" : "copy in node '"
                + location.node().name() + "'") + ", " + shown.slices().size() + " slice(s)");
        return new SideImages(which.name().toLowerCase(Locale.ROOT), shown.modality(), shown.slices());
    }

    @GetMapping(value = "/api/requests/{id}/viewer/series/{series}/{side}/slices/{index}",
            produces = MediaType.IMAGE_PNG_VALUE)
    ResponseEntity<byte[]> slice(@PathVariable long id, @PathVariable String series, @PathVariable String side,
                                 @PathVariable int index, @RequestParam(defaultValue = "as-stored") String preset,
                                 Principal user) {
        StagingRequestView request = visible(user.getName(), id);
        StagingSeriesView row = ReviewSides.series(request, Ids.uid("series", series));
        ReviewImages.Location location = locate(request, row, ReviewSides.Side.of(side));
        byte[] png = images.png(location, index, preset(preset));
        return ResponseEntity.ok().cacheControl(SLICE_CACHING).contentType(MediaType.IMAGE_PNG).body(png);
    }

    @GetMapping("/api/requests/{id}/viewer/series/{series}/{side}/contours")
    List<ReviewImages.SliceContours> contours(@PathVariable long id, @PathVariable String series,
                                              @PathVariable String side, Principal user) {
        StagingRequestView request = visible(user.getName(), id);
        StagingSeriesView row = ReviewSides.series(request, Ids.uid("series", series));
        ReviewSides.Side which = ReviewSides.Side.of(side);
        ReviewImages.Location location = locate(request, row, which);
        // Each side's own structure sets: the copy's contours must find the copy's images by the copy's UIDs.
        List<ReviewImages.Location> structureSets = request.series().stream().filter(ReviewSides::isStructureSet)
                .map(s -> sides.locate(request, s, which)).flatMap(java.util.Optional::stream).toList();
        return structureSets.isEmpty() ? List.of() : images.contours(location, structureSets);
    }

    @ExceptionHandler(ReviewImages.ImageUnavailable.class)
    ResponseEntity<java.util.Map<String, String>> unavailable(ReviewImages.ImageUnavailable e) {
        return ResponseEntity.status(HttpStatus.UNPROCESSABLE_ENTITY).contentType(MediaType.APPLICATION_JSON)
                .body(java.util.Map.of("error", e.getMessage()));
    }

    private ReviewImages.Location locate(StagingRequestView request, StagingSeriesView row, ReviewSides.Side side) {
        return sides.locate(request, row, side).orElseThrow(() -> new ApiErrors.BadRequest(
                sides.copyInWords(request, row) + "."));
    }

    /**
     * The request pages' check (LOOKUP in the request's study; an unknown id refused like another study's, both
     * audited) without the audit event of a granted view: one is written when the viewer opens.
     */
    private StagingRequestView visible(String user, long id) {
        StagingRequestView request;
        try {
            request = studies.stagingRequest(id);
        } catch (StudyNotFound e) {
            studies.record(user, AuditActions.ACCESS_DENIED, null, null, "request " + id + ": not found");
            throw notVisible(id);
        }
        try {
            studies.requireRight(user, request.studyIdentifier(), Right.LOOKUP);
        } catch (StudyAccessDenied e) {
            throw notVisible(id);
        }
        return request;
    }

    private static ApiErrors.Forbidden notVisible(long id) {
        return new ApiErrors.Forbidden("request " + id, "There is no staging request " + id
                + " in the studies you may look up.");
    }

    private static ReviewImages.Preset preset(String name) {
        try {
            return ReviewImages.Preset.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ApiErrors.BadRequest("'preset' is not a window preset of the viewer.");
        }
    }

    private static String label(StagingSeriesView s) {
        return (s.modality() == null ? "" : s.modality()) + (s.description() == null ? "" : " '" + s.description()
                + "'");
    }
}
