package org.dicomstage.staging;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.InstanceEntry;

/**
 * Retrieves a listed series over several associations at once and examines each instance on the thread that
 * received it. One retrieval waits for the archive between instances (it sends the next only when we have answered
 * the last), so a single association leaves both the archive and us idle part of the time; a few keep both busy.
 * Results come back in the listing's order whatever the order of delivery, so a report reads the same from run to
 * run.
 */
final class SplitRetrieval {

    /** Below this many instances per part, another association costs more than it saves. */
    static final int MIN_INSTANCES_PER_PART = 16;

    private SplitRetrieval() {
    }

    /** How many parts a series of {@code instances} is split into, given {@code atMost} associations: at least one. */
    static int parts(int instances, int atMost) {
        return Math.max(1, Math.min(atMost, Math.ceilDiv(instances, MIN_INSTANCES_PER_PART)));
    }

    /**
     * @param parts    how many associations the caller holds slots for; one, or a node that cannot retrieve
     *                 single instances, retrieves the series as a whole
     * @param examine  turns one delivered file (valid only during the call) into a result; called from several
     *                 threads at once
     * @param sopOf    the SOP Instance UID a result is about, or null when the file could not be read
     */
    static <T> List<T> retrieve(DicomNode node, String studyInstanceUID, String seriesInstanceUID,
            List<InstanceEntry> listed, int parts, Function<Path, T> examine, Function<T, String> sopOf) {
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < listed.size(); i++) {
            position.putIfAbsent(listed.get(i).sopInstanceUID(), i);
        }
        Map<Integer, T> listedResults = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<T> others = new ConcurrentLinkedQueue<>();
        DicomNode.InstanceConsumer consumer = file -> {
            T result = examine.apply(file);
            Integer at = position.get(sopOf.apply(result));
            if (at == null || listedResults.putIfAbsent(at, result) != null) {
                others.add(result); // unreadable, not listed, or delivered twice: still reported
            }
        };
        int split = parts(listed.size(), parts);
        if (split <= 1 || !node.retrievesInstances()) {
            node.retrieveSeries(studyInstanceUID, seriesInstanceUID, listed, consumer);
        } else {
            retrieveInParts(node, studyInstanceUID, seriesInstanceUID, listed, split, consumer);
        }
        List<T> results = new ArrayList<>(listedResults.size() + others.size());
        for (int i = 0; i < listed.size(); i++) {
            T result = listedResults.get(i);
            if (result != null) {
                results.add(result);
            }
        }
        results.addAll(others);
        return results;
    }

    /** The first part on the calling thread, the others each on a thread of its own; waits for all of them. */
    private static void retrieveInParts(DicomNode node, String studyInstanceUID, String seriesInstanceUID,
            List<InstanceEntry> listed, int split, DicomNode.InstanceConsumer consumer) {
        List<Thread> threads = new ArrayList<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        int size = Math.ceilDiv(listed.size(), split);
        for (int part = 1; part < split; part++) {
            List<InstanceEntry> slice = listed.subList(part * size, Math.min(listed.size(), (part + 1) * size));
            if (slice.isEmpty()) {
                continue;
            }
            threads.add(Thread.ofPlatform().daemon().name("retrieve-part-" + part).start(() -> {
                try {
                    node.retrieveInstances(studyInstanceUID, seriesInstanceUID, slice, consumer);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        try {
            node.retrieveInstances(studyInstanceUID, seriesInstanceUID, listed.subList(0, Math.min(size,
                    listed.size())), consumer);
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StagingException("interrupted while retrieving series " + seriesInstanceUID, e);
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
