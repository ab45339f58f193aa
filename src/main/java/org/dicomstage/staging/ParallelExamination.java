package org.dicomstage.staging;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import org.dicomstage.dicom.DicomNode;

/**
 * Examines retrieved instances on worker threads while the retrieval goes on, and hands each result to
 * {@code merge} in delivery order on the retrieving thread. One association delivers faster than one thread can
 * read, hash and search an instance; results in delivery order keep a report the same from run to run.
 *
 * <p>A delivered file is valid only during the consumer's call, so it is linked into a private work directory
 * first. At most {@code 2 x threads} instances are examined or waiting to be merged at any time: memory and disk
 * stay bounded whatever the size of the series. A worker's unexpected failure stops the retrieval and is thrown
 * from {@link #finish()} or from the consumer.
 *
 * @param <T> what the examination of one instance yields
 */
final class ParallelExamination<T> implements AutoCloseable {

    private final Function<Path, T> examine;
    private final Consumer<T> merge;
    private final ExecutorService workers;
    private final Semaphore slots;
    private final ArrayDeque<Future<T>> pending = new ArrayDeque<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final Path work;

    ParallelExamination(int threads, String name, String seriesInstanceUID, Function<Path, T> examine, Consumer<T> merge) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        this.examine = examine;
        this.merge = merge;
        this.slots = new Semaphore(2 * threads);
        this.work = WorkFiles.createWorkDirectory();
        this.workers = Executors.newFixedThreadPool(threads, WorkFiles.daemonThreads(name, seriesInstanceUID));
    }

    /** What the retrieval hands each delivered file to. */
    DicomNode.InstanceConsumer consumer() {
        return this::accept;
    }

    private synchronized void accept(Path delivered) throws IOException, InterruptedException {
        mergeDone();
        while (!slots.tryAcquire()) {
            mergeHead(); // every slot is held by a pending result: the oldest frees one
        }
        Path copy = work.resolve(sequence.incrementAndGet() + ".dcm");
        try {
            WorkFiles.linkOrCopy(delivered, copy);
        } catch (IOException | RuntimeException e) {
            slots.release();
            throw e;
        }
        pending.add(workers.submit(() -> {
            try {
                return examine.apply(copy);
            } finally {
                WorkFiles.deleteQuietly(copy);
            }
        }));
    }

    /** Waits for every examination and merges what is left, in delivery order. */
    synchronized void finish() throws InterruptedException {
        while (!pending.isEmpty()) {
            mergeHead();
        }
    }

    private void mergeDone() throws InterruptedException {
        while (!pending.isEmpty() && pending.peek().isDone()) {
            mergeHead();
        }
    }

    private void mergeHead() throws InterruptedException {
        Future<T> head = pending.poll();
        try {
            merge.accept(head.get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            slots.release();
        }
    }

    /** Stops the workers (interrupting any still running after a failure) and deletes the work directory. */
    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        WorkFiles.deleteTree(work);
    }
}
