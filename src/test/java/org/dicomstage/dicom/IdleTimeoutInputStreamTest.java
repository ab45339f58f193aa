package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class IdleTimeoutInputStreamTest {

    @Test
    void passesDataThrough() throws IOException {
        try (InputStream in = new IdleTimeoutInputStream(new ByteArrayInputStream(new byte[] {1, 2, 3}),
                Duration.ofMillis(100))) {
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void slowButSteadyDataIsNoTimeout() throws IOException {
        InputStream trickle = new InputStream() {
            private int left = 5;

            @Override
            public int read() {
                sleep(60);
                return left-- > 0 ? 7 : -1;
            }

            /** One byte per call, as a network stream hands out what has arrived. */
            @Override
            public int read(byte[] b, int off, int len) {
                int value = read();
                if (value < 0) {
                    return -1;
                }
                b[off] = (byte) value;
                return 1;
            }
        };
        try (InputStream in = new IdleTimeoutInputStream(trickle, Duration.ofMillis(200))) {
            assertThat(in.readAllBytes()).hasSize(5);
        }
    }

    @Test
    void aStalledReadFailsWithATimeout() {
        Stalled stalled = new Stalled();
        long start = System.nanoTime();
        try (InputStream in = new IdleTimeoutInputStream(stalled, Duration.ofMillis(200))) {
            assertThatThrownBy(in::read).isInstanceOf(HttpTimeoutException.class).hasMessageContaining("200 ms");
            assertThatThrownBy(in::read).isInstanceOf(HttpTimeoutException.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(stalled.closed.getCount()).isZero();
    }

    /** Blocks every read until closed, like the JDK client's body stream when the peer sends nothing. */
    private static final class Stalled extends InputStream {
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int read() throws IOException {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("closed");
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
