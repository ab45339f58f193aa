package org.dicomstage.staging;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.pseudonym.UidMapper;
import org.dicomstage.rt.ImagePlane;
import org.dicomstage.rt.StructureSetContours;
import org.dicomstage.rt.StructureSetContours.Contour;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * What the review viewer shows: a series of a node slice by slice, each slice rendered by PixelMed to a windowed
 * PNG, and the contours of RT structure sets mapped onto the slices they were drawn on, as SVG paths in pixel
 * coordinates. Series are retrieved through the node abstraction like staging does (one association slot of the
 * node while retrieving) and kept for a while ({@link ReviewSeriesCache}); PNGs are kept in memory.
 */
@Service
public class ReviewImages implements AutoCloseable {

    /** A series in an archive: Study0's original, or the held or published copy. */
    public record Location(DicomNode node, String studyInstanceUID, String seriesInstanceUID) {
    }

    /** Window/level presets, in the modality's units after rescale (HU for CT). */
    public enum Preset {
        /** The window stored in the object; PixelMed takes the frame's range where there is none. */
        AS_STORED(null, null, false),
        CT_SOFT_TISSUE(40.0, 400.0, false),
        CT_LUNG(-600.0, 1500.0, false),
        CT_BONE(400.0, 1800.0, false),
        CT_BRAIN(40.0, 80.0, false),
        /** From the frame's minimum to its maximum: MR without a stored window, and dose grids. */
        FULL_RANGE(null, null, true);

        private final Window window;

        Preset(Double center, Double width, boolean fullRange) {
            this.window = new Window(center, width, fullRange);
        }

        Window window() {
            return window;
        }
    }

    record Window(Double center, Double width, boolean fullRange) {
    }

    /** @param position mm along the slice normal, or the instance number where the object has no geometry */
    public record Slice(int index, double position, boolean hasGeometry) {
    }

    public record SeriesImages(String modality, List<Slice> slices) {
    }

    /** @param path SVG path data in pixel coordinates (the image is {@code 0 0 columns rows}) */
    public record DrawnContour(int roiNumber, String roiName, String color, String path) {
    }

    public record SliceContours(int index, List<DrawnContour> contours) {
    }

    /** The object cannot be shown (no pixel data PixelMed can decode); the message says so in words. */
    public static final class ImageUnavailable extends RuntimeException {
        ImageUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ReviewSeriesCache cache;
    private final ReviewFrameRenderer renderer;

    ReviewImages(NodePermits permits, @Value("${dicomstage.viewer.cache-bytes:1073741824}") long cacheBytes,
                 @Value("${dicomstage.viewer.png-cache-bytes:67108864}") long pngCacheBytes,
                 @Value("${dicomstage.viewer.max-age:10m}") Duration maxAge) {
        this.cache = new ReviewSeriesCache(permits, cacheBytes, maxAge, Clock.systemUTC());
        this.renderer = new ReviewFrameRenderer(pngCacheBytes);
    }

    /** Where staging put the copy of a Study0 series: the study's keyed UIDs, in {@code node}. */
    public static Location copyOf(DicomNode node, byte[] studySecret, String studyInstanceUID,
                                  String seriesInstanceUID) {
        UidMapper uids = new UidMapper(studySecret);
        return new Location(node, uids.map(studyInstanceUID), uids.map(seriesInstanceUID));
    }

    /** The series' images in display order (along the slice normal); retrieves the series on first use. */
    public SeriesImages series(Location location) {
        ReviewSeriesCache.Series s = load(location);
        List<Slice> slices = new ArrayList<>(s.slices().size());
        for (int i = 0; i < s.slices().size(); i++) {
            ReviewSeriesCache.Slice slice = s.slices().get(i);
            slices.add(new Slice(i, Math.round(slice.position() * 100) / 100.0, slice.plane() != null));
        }
        return new SeriesImages(s.modality(), slices);
    }

    /** Slice {@code index} (0-based, display order) as a PNG windowed with {@code preset}. */
    public byte[] png(Location location, int index, Preset preset) {
        for (int attempt = 0; ; attempt++) {
            ReviewSeriesCache.Series s = load(location);
            if (index < 0 || index >= s.slices().size()) {
                throw new IllegalArgumentException("There is no slice " + (index + 1) + " in this series ("
                        + s.slices().size() + ").");
            }
            ReviewSeriesCache.Slice slice = s.slices().get(index);
            String key = s.key() + "|" + s.retrieved() + "|" + index + "|" + preset;
            try {
                return renderer.render(key, slice.file(), slice.frame(), preset.window());
            } catch (NoSuchFileException e) {
                cache.forget(s); // evicted under us: retrieve once more
                if (attempt > 0) {
                    throw new ImageUnavailable("The image could not be read; try again.", e);
                }
            } catch (IOException | DicomException | RuntimeException e) {
                throw new ImageUnavailable("This image cannot be shown: PixelMed cannot render it ("
                        + e.getClass().getSimpleName() + ").", e);
            }
        }
    }

    /**
     * The contours of the structure sets drawn on the slices of {@code images}: a contour on the image its Contour
     * Image Sequence names; one that names none on the slice whose plane it lies in (same frame of reference, within
     * half the slice distance). Contours of other series are left out. Slices without contours are not listed.
     */
    public List<SliceContours> contours(Location images, List<Location> structureSets) {
        ReviewSeriesCache.Series series = load(images);
        Map<String, Integer> bySop = new HashMap<>();
        for (int i = 0; i < series.slices().size(); i++) {
            ReviewSeriesCache.Slice slice = series.slices().get(i);
            if (slice.frame() == 0) {
                bySop.putIfAbsent(slice.sopInstanceUID(), i);
            }
        }
        Map<Integer, List<DrawnContour>> drawn = new LinkedHashMap<>();
        for (Location structures : structureSets) {
            for (Contour c : contoursOf(structures)) {
                Integer index = c.referencedSopInstanceUid() != null ? bySop.get(c.referencedSopInstanceUid())
                        : inPlane(series, c);
                ImagePlane plane = index == null ? null : series.slices().get(index).plane();
                if (plane != null) {
                    drawn.computeIfAbsent(index, k -> new ArrayList<>()).add(new DrawnContour(c.roiNumber(),
                            c.roiName(), c.color(), ContourPaths.svg(plane, c)));
                }
            }
        }
        List<SliceContours> result = new ArrayList<>();
        drawn.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> result.add(new SliceContours(e.getKey(), List.copyOf(e.getValue()))));
        return result;
    }

    private List<Contour> contoursOf(Location structures) {
        ReviewSeriesCache.Series s = load(structures);
        List<Contour> contours = new ArrayList<>();
        for (var file : s.files()) {
            try {
                AttributeList list = new AttributeList();
                list.read(file.toString());
                contours.addAll(StructureSetContours.read(list));
            } catch (IOException | DicomException e) {
                throw new ImageUnavailable("The structure set could not be read (" + e.getClass().getSimpleName()
                        + ").", e);
            }
        }
        return contours;
    }

    private static Integer inPlane(ReviewSeriesCache.Series series, Contour c) {
        if (c.frameOfReferenceUid() != null && series.frameOfReferenceUid() != null
                && !c.frameOfReferenceUid().equals(series.frameOfReferenceUid())) {
            return null;
        }
        double tolerance = ContourPaths.halfSliceDistance(series.slices().stream()
                .mapToDouble(ReviewSeriesCache.Slice::position).toArray());
        double[] p = c.points();
        Integer best = null;
        double bestDistance = Double.MAX_VALUE;
        for (int i = 0; i < series.slices().size(); i++) {
            ImagePlane plane = series.slices().get(i).plane();
            double d = plane == null ? Double.MAX_VALUE : Math.abs(plane.distance(p[0], p[1], p[2]));
            if (d <= tolerance && d < bestDistance) {
                best = i;
                bestDistance = d;
            }
        }
        return best;
    }

    private ReviewSeriesCache.Series load(Location location) {
        return cache.get(location.node(), location.studyInstanceUID(), location.seriesInstanceUID());
    }

    @Override
    public void close() {
        cache.close();
    }
}
