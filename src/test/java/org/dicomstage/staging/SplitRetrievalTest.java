package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.dicomstage.dicom.InstanceEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitRetrievalTest {

    @TempDir
    Path archive;

    @Test
    void aLargeSeriesIsRetrievedOverAllThePartsAtOnceAndComesBackInTheListingsOrder() throws Exception {
        List<InstanceEntry> listed = instances(100);
        // Every part waits at the barrier until all three have started: the test hangs unless they run at once.
        CyclicBarrier allStarted = new CyclicBarrier(3);
        Archive node = new Archive(archive, true, allStarted, null);

        List<String> results = SplitRetrieval.retrieve(node, "1.2", "1.2.3", listed, 3, SplitRetrievalTest::content,
                sop -> sop);

        assertThat(results).containsExactlyElementsOf(listed.stream().map(InstanceEntry::sopInstanceUID).toList());
        assertThat(node.parts).hasSize(3);
        assertThat(node.parts.stream().flatMap(List::stream).sorted().toList())
                .containsExactlyElementsOf(listed.stream().map(InstanceEntry::sopInstanceUID).sorted().toList());
        assertThat(node.wholeSeries).isZero();
    }

    @Test
    void aSmallSeriesOneSlotOrANodeWithoutInstanceRetrievalTakesTheSeriesWhole() throws Exception {
        Archive node = new Archive(archive, true, null, null);
        SplitRetrieval.retrieve(node, "1.2", "1.2.3", instances(SplitRetrieval.MIN_INSTANCES_PER_PART), 4,
                SplitRetrievalTest::content, sop -> sop);
        SplitRetrieval.retrieve(node, "1.2", "1.2.3", instances(100), 1, SplitRetrievalTest::content, sop -> sop);
        Archive seriesOnly = new Archive(archive, false, null, null);
        List<String> results = SplitRetrieval.retrieve(seriesOnly, "1.2", "1.2.3", instances(100), 4,
                SplitRetrievalTest::content, sop -> sop);

        assertThat(node.parts).isEmpty();
        assertThat(node.wholeSeries).isEqualTo(2);
        assertThat(seriesOnly.wholeSeries).isEqualTo(1);
        assertThat(results).hasSize(100).first().isEqualTo("1.2.3.1");
    }

    @Test
    void aFailingPartFailsTheRetrievalOnceTheOthersAreDone() throws Exception {
        Archive node = new Archive(archive, true, null, "1.2.3.70");

        assertThatThrownBy(() -> SplitRetrieval.retrieve(node, "1.2", "1.2.3", instances(100), 4,
                SplitRetrievalTest::content, sop -> sop)).isInstanceOf(IllegalStateException.class)
                .hasMessage("association lost before 1.2.3.70");
        assertThat(node.parts).hasSize(4);
        assertThat(node.finishedParts).isEqualTo(3);
    }

    @Test
    void whatTheListingDoesNotNameIsStillReportedAfterTheRest() throws Exception {
        List<InstanceEntry> listed = instances(40);
        Archive node = new Archive(archive, true, null, null);
        node.extra = "1.2.3.999";

        List<String> results = SplitRetrieval.retrieve(node, "1.2", "1.2.3", listed, 2, SplitRetrievalTest::content,
                sop -> sop);

        assertThat(results).hasSize(42).endsWith("1.2.3.999", "1.2.3.999");
    }

    private static List<InstanceEntry> instances(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> new InstanceEntry("1.2", "1.2.3", "1.2.3." + i,
                "1.2.840.10008.5.1.4.1.1.2", Integer.toString(i))).toList();
    }

    private static String content(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Delivers each instance as a file holding its SOP Instance UID, each part in reverse order. */
    private static final class Archive implements SourceOnlyNode {
        private final Path directory;
        private final boolean byInstance;
        private final CyclicBarrier allStarted;
        private final String failBefore;
        final List<List<String>> parts = new CopyOnWriteArrayList<>();
        volatile int wholeSeries;
        volatile int finishedParts;
        /** Delivered by every part, though not listed. */
        volatile String extra;

        Archive(Path directory, boolean byInstance, CyclicBarrier allStarted, String failBefore) {
            this.directory = directory;
            this.byInstance = byInstance;
            this.allStarted = allStarted;
            this.failBefore = failBefore;
        }

        @Override
        public boolean retrievesInstances() {
            return byInstance;
        }

        @Override
        public int retrieveInstances(String study, String series, List<InstanceEntry> instances,
                InstanceConsumer consumer) {
            List<String> uids = instances.stream().map(InstanceEntry::sopInstanceUID).toList();
            parts.add(uids);
            try {
                if (allStarted != null) {
                    allStarted.await(10, TimeUnit.SECONDS);
                }
                List<String> reversed = new ArrayList<>(uids);
                Collections.reverse(reversed);
                if (extra != null) {
                    reversed.add(extra);
                }
                deliver(reversed, consumer);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            synchronized (this) {
                finishedParts++;
            }
            return uids.size();
        }

        @Override
        public int retrieveSeries(String study, String series, List<InstanceEntry> listed,
                InstanceConsumer consumer) {
            wholeSeries++;
            try {
                deliver(listed.stream().map(InstanceEntry::sopInstanceUID).toList(), consumer);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return listed.size();
        }

        private void deliver(List<String> uids, InstanceConsumer consumer) throws Exception {
            for (String uid : uids) {
                if (uid.equals(failBefore)) {
                    throw new IllegalStateException("association lost before " + uid);
                }
                Path file = Files.writeString(Files.createTempFile(directory, "delivered-", ".dcm"), uid);
                try {
                    consumer.accept(file);
                } finally {
                    Files.delete(file);
                }
            }
        }

        @Override
        public int retrieveSeries(String study, String series, InstanceConsumer consumer) {
            throw new UnsupportedOperationException("the listing is always given");
        }

        @Override
        public String name() {
            return "parted";
        }

        @Override
        public List<InstanceEntry> findInstances(String studyInstanceUID, String seriesInstanceUID) {
            return List.of();
        }
    }
}
