package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelExaminationTest {

    @TempDir
    Path delivered;

    @Test
    void resultsArriveInDeliveryOrderThoughLaterInstancesFinishFirstAndAtMostTwicePerThreadAreHeld() throws Exception {
        List<String> merged = new ArrayList<>();
        AtomicInteger held = new AtomicInteger();
        AtomicInteger mostHeld = new AtomicInteger();
        List<Path> workCopies = new ArrayList<>();
        try (ParallelExamination<String> examination = new ParallelExamination<>(3, "test", "1.2.3", copy -> {
            mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
            synchronized (workCopies) {
                workCopies.add(copy);
            }
            try {
                String content = Files.readString(copy);
                // The first of every three takes longest, so the others finish before it.
                Thread.sleep(Integer.parseInt(content) % 3 == 0 ? 30 : 1);
                return content;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, result -> {
            held.decrementAndGet();
            merged.add(result);
        })) {
            for (int i = 0; i < 20; i++) {
                Path file = Files.writeString(delivered.resolve(i + ".dcm"), Integer.toString(i));
                examination.consumer().accept(file);
                // The retrieval deletes a delivered file when the consumer returns: the examination has its own.
                Files.delete(file);
            }
            examination.finish();
        }
        assertThat(merged).containsExactlyElementsOf(Stream.iterate(0, i -> i + 1).limit(20).map(String::valueOf)
                .toList());
        assertThat(mostHeld.get()).isBetween(2, 6);
        assertThat(workCopies).hasSize(20).noneMatch(Files::exists);
        assertThat(workCopies.getFirst().getParent()).doesNotExist();
    }

    @Test
    void aFailingExaminationStopsTheRetrievalWithItsOwnErrorAndLeavesNoWorkFiles() throws Exception {
        List<Path> workCopies = new ArrayList<>();
        ParallelExamination<String> examination = new ParallelExamination<>(2, "test", "1.2.3", copy -> {
            synchronized (workCopies) {
                workCopies.add(copy);
            }
            throw new IllegalStateException("examiner broke on " + copy.getFileName());
        }, result -> { });
        try (examination) {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 10; i++) {
                    examination.consumer().accept(Files.writeString(delivered.resolve(i + ".dcm"), "x"));
                }
                examination.finish();
            }).isInstanceOf(IllegalStateException.class).hasMessage("examiner broke on 1.dcm");
        }
        assertThat(workCopies).isNotEmpty();
        assertThat(workCopies.getFirst().getParent()).doesNotExist();
        try (Stream<Path> left = Files.list(delivered)) {
            assertThat(left).as("the delivered files are only read").hasSizeGreaterThan(1);
        }
    }
}
