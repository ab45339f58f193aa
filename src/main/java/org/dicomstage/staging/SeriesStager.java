package org.dicomstage.staging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.InstanceEntry;
import org.dicomstage.dicom.SplicedInstance;
import org.dicomstage.pseudonym.InstanceReport;
import org.dicomstage.pseudonym.KeptText;
import org.dicomstage.pseudonym.PseudonymizationException;
import org.dicomstage.pseudonym.Pseudonymizer;
import org.dicomstage.pseudonym.UidMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrieve → pseudonymize → store, one series at a time, streaming.
 *
 * <p>The retrieval hands over one instance at a time; each is linked into a private work directory, then
 * pseudonymized and stored by up to {@code concurrency} workers, each holding its own store session
 * (one association). A semaphore bounds the instances in flight, so memory and disk stay bounded
 * whatever the size of the series. UIDs are mapped deterministically, so staging the same series again
 * replaces the same instances instead of adding new ones.
 */
final class SeriesStager {

    private static final Logger log = LoggerFactory.getLogger(SeriesStager.class);

    private final int concurrency;
    private final NodePermits permits;

    SeriesStager(int concurrency, NodePermits permits) {
        this.permits = permits;
        if (concurrency < 1) {
            throw new IllegalArgumentException("staging concurrency must be at least 1, was " + concurrency);
        }
        this.concurrency = concurrency;
    }

    /**
     * Takes the target's slots first (at least one, up to {@code concurrency}: one store association per worker),
     * then one of the source's for the retrieval; verification takes them in the same order.
     */
    StageResult stage(SeriesStagingSpec spec, IntConsumer progress) {
        try (NodePermits.Lease target = permits.acquire(spec.target().name(), concurrency);
             NodePermits.Lease source = permits.acquire(spec.source().name(), 1)) {
            return stage(spec, progress, Math.min(concurrency, target.count()));
        }
    }

    private StageResult stage(SeriesStagingSpec spec, IntConsumer progress, int workerCount) {
        long started = System.nanoTime();
        String series = spec.seriesInstanceUID();
        UidMapper uids = new UidMapper(spec.context().studySecret());
        String targetStudy = uids.map(spec.studyInstanceUID());
        String targetSeries = uids.map(series);

        List<InstanceEntry> expected = spec.source().findInstances(spec.studyInstanceUID(), series);
        if (expected.isEmpty()) {
            return new StageResult(series, targetStudy, targetSeries, StageResult.Status.FAILED, 0, 0,
                    List.of("series " + series + " has no instances in node '" + spec.source().name() + "'"),
                    List.of(), elapsedMillis(started), List.of(), List.of());
        }

        Pseudonymizer pseudonymizer = new Pseudonymizer(spec.profile(), spec.context());
        // What verification compares the copy with, taken now that each source object passes through here anyway.
        SourceDigests.Collector source = new SourceDigests.Collector(uids, spec.profile());
        source.listed(expected.stream().map(InstanceEntry::sopInstanceUID).toList());
        Path work = createWorkDirectory();
        ExecutorService workers = Executors.newFixedThreadPool(workerCount, daemonThreads(series));
        Semaphore inFlight = new Semaphore(2 * workerCount);
        Map<Thread, DicomNode.StoreSession> sessions = new ConcurrentHashMap<>();
        AtomicInteger staged = new AtomicInteger();
        AtomicInteger sequence = new AtomicInteger();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<InstanceReport> reports = new ConcurrentLinkedQueue<>();
        AtomicReference<RuntimeException> technical = new AtomicReference<>();
        int retrieved;
        try {
            retrieved = spec.source().retrieveSeries(spec.studyInstanceUID(), series, expected, file -> {
                if (technical.get() != null) {
                    return; // a store already failed: let the retrieval run out, the job will be retried
                }
                inFlight.acquire();
                int n = sequence.incrementAndGet();
                Path in = work.resolve(n + ".in.dcm");
                Path out = work.resolve(n + ".out.dcm");
                try {
                    // The retrieval waits for us before it takes the next instance, so this must be quick: a link
                    // to the delivered file (which may be an archive's own: we only read it), a copy only where
                    // the work directory lies on another file system.
                    linkOrCopy(file, in);
                } catch (IOException | RuntimeException e) {
                    inFlight.release();
                    throw e;
                }
                workers.execute(() -> {
                    try {
                        // Usually only the header is new, and the store sends the pixel bytes from where they lie.
                        AtomicReference<InstanceReport> report = new AtomicReference<>();
                        SplicedInstance spliced = pseudonymizer.prepare(in, report::set);
                        if (spliced == null) {
                            pseudonymizer.pseudonymizeInFull(in, out, report::set);
                        }
                        try {
                            source.retrieved(in);
                        } catch (IllegalArgumentException | UncheckedIOException e) {
                            problems.add(describe(in, n) + ": cannot be read for verification: " + e.getMessage());
                            return;
                        }
                        DicomNode.StoreSession session = sessions.computeIfAbsent(Thread.currentThread(),
                                t -> spec.target().openStoreSession());
                        try {
                            if (spliced != null) {
                                session.store(spliced);
                            } else {
                                session.store(out);
                            }
                        } catch (RuntimeException e) {
                            sessions.remove(Thread.currentThread());
                            closeQuietly(session);
                            throw e;
                        }
                        // Only what reached the target counts as having left the archive.
                        if (report.get() != null) {
                            reports.add(report.get());
                        }
                        progress.accept(staged.incrementAndGet());
                    } catch (PseudonymizationException e) {
                        problems.add(describe(in, n) + ": " + reason(e, in));
                    } catch (StackOverflowError | OutOfMemoryError e) {
                        // one object too deep or too big for the parser: that instance fails, not the worker
                        problems.add(describe(in, n) + ": cannot be read (" + e.getClass().getSimpleName() + ")");
                    } catch (RuntimeException e) {
                        technical.compareAndSet(null, e);
                    } finally {
                        deleteQuietly(in);
                        deleteQuietly(out);
                        inFlight.release();
                    }
                });
            });
        } finally {
            workers.shutdown();
            awaitQuietly(workers);
            sessions.values().forEach(SeriesStager::closeQuietly);
            deleteTree(work);
        }
        if (technical.get() != null) {
            throw new StagingException("staging series " + series + " into '" + spec.target().name()
                    + "' failed: " + technical.get().getMessage(), technical.get());
        }
        if (retrieved < expected.size()) {
            problems.add("node '" + spec.source().name() + "' delivered " + retrieved + " of " + expected.size()
                    + " instances");
        }
        List<String> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.naturalOrder());
        StageResult.Status status = sorted.isEmpty() && staged.get() == expected.size()
                ? StageResult.Status.STAGED : StageResult.Status.FAILED;
        StageResult result = new StageResult(series, targetStudy, targetSeries, status, expected.size(),
                staged.get(), sorted, List.copyOf(pseudonymizer.unknownAttributesRemoved()), elapsedMillis(started),
                keptDescriptors(reports), cleaningNotes(reports),
                status == StageResult.Status.STAGED ? source.result() : null);
        log.info("staged series {} -> {}: {} ({} ms)", series, targetSeries, result.summary(), result.millis());
        return result;
    }

    /** The series' kept descriptor values, each distinct value once, in a stable order for the reviewer. */
    static List<KeptText> keptDescriptors(Collection<InstanceReport> reports) {
        Set<KeptText> kept = new TreeSet<>(Comparator.comparing(KeptText::keyword).thenComparing(KeptText::value));
        reports.forEach(r -> kept.addAll(r.keptText()));
        return List.copyOf(kept);
    }

    static List<String> cleaningNotes(Collection<InstanceReport> reports) {
        List<String> notes = new ArrayList<>();
        reports.forEach(r -> r.cleaningNotes().forEach(n -> notes.add("SOP instance " + r.sopInstanceUID() + ": " + n)));
        notes.sort(Comparator.naturalOrder());
        return notes;
    }

    private static void linkOrCopy(Path file, Path link) throws IOException {
        try {
            Files.createLink(link, file);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(file, link);
        }
    }

    /** Names a received instance by its SOP Instance UID when its header can still be read. */
    private static String describe(Path file, int number) {
        // the file may be the very object that failed: only the elements before its SOP Instance UID are walked
        String sop = org.dicomstage.dicom.PixelDataDigest.sopInstanceUid(file);
        return sop != null ? "SOP instance " + sop : "instance #" + number + " of the retrieval";
    }

    private static String reason(PseudonymizationException e, Path workFile) {
        String message = String.valueOf(e.getMessage());
        return message.replace("cannot read " + workFile + ": ", "").replace(workFile + ": ", "")
                .replace(workFile.toString(), "the instance");
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    private static Path createWorkDirectory() {
        try {
            return Files.createTempDirectory(WorkFiles.PREFIX + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new StagingException("cannot create a work directory for staging: " + e.getMessage(), e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String series) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "stage-" + abbreviate(series) + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static String abbreviate(String uid) {
        return uid.length() <= 12 ? uid : "…" + uid.substring(uid.length() - 10);
    }

    private static void awaitQuietly(ExecutorService executor) {
        try {
            while (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
                log.warn("still waiting for staging workers to finish");
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(DicomNode.StoreSession session) {
        try {
            session.close();
        } catch (RuntimeException e) {
            log.warn("closing a store session failed: {}", e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete work file {}: {}", file, e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(SeriesStager::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            log.warn("cannot delete work directory {}: {}", dir, e.getMessage());
        }
    }
}
