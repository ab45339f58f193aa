package org.dicomstage.staging;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.rt.ImagePlane;

/**
 * Series retrieved for the viewer, kept as files in one work directory so that scrolling reads a local file instead
 * of opening an association per slice. Bounded by bytes on disk (least recently used first out) and by age: a held
 * copy can be staged again, so a series is retrieved afresh after {@code maxAge}. The directory is named like
 * staging's work directories, so {@link WorkFiles} deletes what a crashed instance left behind.
 */
final class ReviewSeriesCache implements AutoCloseable {

    /** One image of a series (a frame of a multi-frame object counts as one), in display order. */
    record Slice(Path file, int frame, String sopInstanceUID, ImagePlane plane, double position) {
    }

    /**
     * @param frameOfReferenceUid null when the objects do not say
     */
    record Series(String key, String modality, String frameOfReferenceUid, List<Slice> slices, List<Path> files,
                  long bytes, Instant retrieved) {
    }

    private static final com.pixelmed.dicom.AttributeTag GRID_FRAME_OFFSET_VECTOR =
            org.dicomstage.dicom.DicomTags.byKeyword("GridFrameOffsetVector");

    private final NodePermits permits;
    private final long maxBytes;
    private final Duration maxAge;
    private final Clock clock;
    private final Path directory;
    private final AtomicInteger sequence = new AtomicInteger();
    private final LinkedHashMap<String, Series> series = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, CompletableFuture<Series>> loading = new LinkedHashMap<>();
    private long bytes;

    ReviewSeriesCache(NodePermits permits, long maxBytes, Duration maxAge, Clock clock) {
        this.permits = permits;
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        this.clock = clock;
        try {
            this.directory = Files.createTempDirectory(WorkFiles.PREFIX + ProcessHandle.current().pid() + "-viewer-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the viewer's work directory: " + e.getMessage(), e);
        }
    }

    /** The series, retrieved now unless a fresh copy is cached; callers asking at once share one retrieval. */
    Series get(DicomNode node, String studyInstanceUID, String seriesInstanceUID) {
        String key = node.name() + "|" + studyInstanceUID + "|" + seriesInstanceUID;
        CompletableFuture<Series> future;
        boolean mine = false;
        synchronized (this) {
            Series cached = series.get(key);
            if (cached != null && cached.retrieved().plus(maxAge).isAfter(clock.instant())) {
                return cached;
            }
            if (cached != null) {
                evict(key);
            }
            future = loading.get(key);
            if (future == null) {
                future = new CompletableFuture<>();
                loading.put(key, future);
                mine = true;
            }
        }
        if (mine) {
            try {
                Series loaded = retrieve(key, node, studyInstanceUID, seriesInstanceUID);
                synchronized (this) {
                    // Nothing there (not staged yet, or emptied): not kept, so a copy stored later is found.
                    if (!loaded.files().isEmpty()) {
                        series.put(key, loaded);
                        bytes += loaded.bytes();
                        trim(key);
                    }
                    loading.remove(key);
                }
                future.complete(loaded);
            } catch (RuntimeException e) {
                synchronized (this) {
                    loading.remove(key);
                }
                future.completeExceptionally(e);
            }
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Forgets a series whose files went missing under a reader (evicted meanwhile), so that the next {@link #get}
     * retrieves it again.
     */
    synchronized void forget(Series stale) {
        if (series.get(stale.key()) == stale) {
            evict(stale.key());
        }
    }

    private Series retrieve(String key, DicomNode node, String studyInstanceUID, String seriesInstanceUID) {
        Path dir = directory.resolve(Integer.toString(sequence.incrementAndGet()));
        List<Path> files = new ArrayList<>();
        List<Slice> slices = new ArrayList<>();
        String[] modality = {null};
        String[] frameOfReference = {null};
        long[] size = {0};
        try (NodePermits.Lease lease = permits.acquire(node.name(), 1)) {
            Files.createDirectories(dir);
            node.retrieveSeries(studyInstanceUID, seriesInstanceUID, file -> {
                Path copy = dir.resolve(files.size() + ".dcm");
                Files.copy(file, copy);
                files.add(copy);
                size[0] += Files.size(copy);
                AttributeList header = header(copy);
                if (modality[0] == null) {
                    modality[0] = Attribute.getSingleStringValueOrNull(header, TagFromName.Modality);
                }
                if (frameOfReference[0] == null) {
                    frameOfReference[0] = Attribute.getSingleStringValueOrNull(header, TagFromName.FrameOfReferenceUID);
                }
                slices.addAll(slicesOf(copy, header));
            });
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException("cannot keep series " + seriesInstanceUID + " for viewing: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(dir);
            throw e;
        }
        slices.sort(Comparator.comparingDouble(Slice::position));
        return new Series(key, modality[0], frameOfReference[0], List.copyOf(slices), List.copyOf(files), size[0],
                clock.instant());
    }

    /** An object's images: none without pixel data; each frame of a multi-frame object, with its dose-grid plane. */
    private static List<Slice> slicesOf(Path file, AttributeList header) {
        if (Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Rows, 0) <= 0) {
            return List.of(); // an RT structure set, plan or other object without an image
        }
        String sop = Attribute.getSingleStringValueOrNull(header, TagFromName.SOPInstanceUID);
        int frames = Math.max(1, Attribute.getSingleIntegerValueOrDefault(header, TagFromName.NumberOfFrames, 1));
        ImagePlane plane = ImagePlane.of(header).orElse(null);
        double instanceNumber = Attribute.getSingleIntegerValueOrDefault(header, TagFromName.InstanceNumber, 0);
        double[] offsets = Attribute.getDoubleValues(header, GRID_FRAME_OFFSET_VECTOR);
        List<Slice> slices = new ArrayList<>(frames);
        for (int f = 0; f < frames; f++) {
            // GridFrameOffsetVector is relative to the first frame, or absolute with the first equal to its z:
            // either way the difference to the first offset is the distance along the normal.
            ImagePlane framePlane = plane == null ? null : offsets != null && offsets.length == frames
                    ? plane.shifted(offsets[f] - offsets[0]) : frames == 1 ? plane : null;
            double position = framePlane != null ? framePlane.positionAlongNormal() : instanceNumber + f / 1e6;
            slices.add(new Slice(file, f, sop, framePlane, position));
        }
        return slices;
    }

    private static AttributeList header(Path file) throws IOException, DicomException {
        AttributeList header = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            header.read(in, TagFromName.PixelData);
        }
        return header;
    }

    /** Drops least recently used series until the cache fits, never the one just added. */
    private void trim(String keep) {
        Iterator<String> keys = new ArrayList<>(series.keySet()).iterator();
        while (bytes > maxBytes && keys.hasNext()) {
            String key = keys.next();
            if (!key.equals(keep)) {
                evict(key);
            }
        }
    }

    private void evict(String key) {
        Series gone = series.remove(key);
        if (gone != null) {
            bytes -= gone.bytes();
            if (!gone.files().isEmpty()) {
                deleteQuietly(gone.files().get(0).getParent());
            }
        }
    }

    @Override
    public synchronized void close() {
        series.clear();
        deleteQuietly(directory);
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // the next start's WorkFiles clean-up removes what is left
        }
    }
}
