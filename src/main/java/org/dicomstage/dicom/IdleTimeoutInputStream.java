package org.dicomstage.dicom;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fails a read that waits longer than a timeout for data. The JDK HTTP client's request timeout ends once the
 * response headers are in; a peer stalling mid-body would otherwise block the reading thread forever.
 *
 * <p>A watchdog closes the stream when one read has been waiting too long: closing is what unblocks a pending
 * read of the JDK client's body stream (interrupting does not, on Java 17).
 */
final class IdleTimeoutInputStream extends FilterInputStream {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "dicomweb-read-timeout");
        thread.setDaemon(true);
        return thread;
    });

    private final long timeoutNanos;
    /** Assigned right after scheduling; the first check runs a period later. */
    private volatile ScheduledFuture<?> check;
    /** System.nanoTime() when the pending read began; 0 while no read is pending. */
    private volatile long readingSince;
    private volatile boolean timedOut;

    IdleTimeoutInputStream(InputStream in, Duration timeout) {
        super(in);
        this.timeoutNanos = timeout.toNanos();
        long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
        this.check = WATCHDOG.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private void check() {
        long since = readingSince;
        if (since != 0 && System.nanoTime() - since > timeoutNanos) {
            timedOut = true;
            ScheduledFuture<?> self = check;
            if (self != null) {
                self.cancel(false);
            }
            try {
                in.close();
            } catch (IOException | RuntimeException e) {
                // the reader sees the timeout either way
            }
        }
    }

    @Override
    public int read() throws IOException {
        begin();
        try {
            return super.read();
        } catch (IOException e) {
            throw translate(e);
        } finally {
            readingSince = 0;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        begin();
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw translate(e);
        } finally {
            readingSince = 0;
        }
    }

    private void begin() throws IOException {
        if (timedOut) {
            throw timeout();
        }
        // never 0, which means "not reading"
        readingSince = System.nanoTime() | 1;
    }

    private IOException translate(IOException e) {
        if (timedOut) {
            HttpTimeoutException timeout = timeout();
            timeout.initCause(e);
            return timeout;
        }
        return e;
    }

    private HttpTimeoutException timeout() {
        return new HttpTimeoutException("no data from the peer for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }
}
