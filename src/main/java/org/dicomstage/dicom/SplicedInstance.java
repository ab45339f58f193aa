package org.dicomstage.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A Part-10 instance made of a new header in memory and a byte range of another file, where its native Pixel Data
 * already lies: what a pseudonymized instance is before anyone needs it as a file. A store session sends the two
 * parts as one stream, so the pixel bytes are neither copied into a new file nor read back from one.
 *
 * @param head         the Part-10 file up to the tail: preamble, meta information, and the dataset's elements up
 *                     to and including the header of the element the tail completes
 * @param datasetStart where the dataset begins in {@code head} (after the meta information)
 * @param tailFile     the file holding the rest
 * @param tailOffset   where the rest begins in {@code tailFile}
 * @param tailLength   how many bytes of {@code tailFile} follow {@code head}
 */
public record SplicedInstance(String sopClassUID, String sopInstanceUID, String transferSyntaxUID, byte[] head,
        int datasetStart, Path tailFile, long tailOffset, long tailLength) {

    public SplicedInstance {
        Objects.requireNonNull(sopClassUID, "sopClassUID");
        Objects.requireNonNull(sopInstanceUID, "sopInstanceUID");
        Objects.requireNonNull(transferSyntaxUID, "transferSyntaxUID");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(tailFile, "tailFile");
        if (datasetStart < 0 || datasetStart > head.length || tailOffset < 0 || tailLength < 0) {
            throw new IllegalArgumentException("inconsistent splice of " + sopInstanceUID);
        }
    }

    /** Length of the whole Part-10 file this stands for. */
    public long length() {
        return head.length + tailLength;
    }

    /** The dataset without the meta information, in {@link #transferSyntaxUID()}: what a C-STORE sends. */
    public InputStream openDataset() throws IOException {
        return open(datasetStart);
    }

    /** The whole Part-10 file as a stream. */
    public InputStream open() throws IOException {
        return open(0);
    }

    private InputStream open(int from) throws IOException {
        FileChannel channel = FileChannel.open(tailFile, StandardOpenOption.READ);
        try {
            if (channel.size() < tailOffset + tailLength) {
                throw new IOException(tailFile + " has " + channel.size() + " bytes, fewer than the "
                        + (tailOffset + tailLength) + " the instance " + sopInstanceUID + " needs");
            }
            channel.position(tailOffset);
            InputStream tail = new BoundedInputStream(Channels.newInputStream(channel), tailLength);
            return new SequenceInputStream(new java.io.ByteArrayInputStream(head, from, head.length - from), tail);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Writes the whole file, the tail copied by the kernel ({@code copy_file_range} where the file system has it),
     * for stores that take files.
     */
    public void writeTo(Path file) {
        try (FileChannel source = FileChannel.open(tailFile, StandardOpenOption.READ);
                FileChannel target = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            // Not TRUNCATE_EXISTING on the (usually new, empty) file: ext4 takes a truncation followed by writes
            // for an in-place rewrite and flushes the data to disk at close, which made every write synchronous.
            if (target.size() > 0) {
                target.truncate(0);
            }
            ByteBuffer buffer = ByteBuffer.wrap(head);
            while (buffer.hasRemaining()) {
                target.write(buffer);
            }
            long copied = 0;
            while (copied < tailLength) {
                long n = source.transferTo(tailOffset + copied, tailLength - copied, target);
                if (n <= 0) {
                    throw new IOException(tailFile + " ended after " + copied + " of " + tailLength + " bytes");
                }
                copied += n;
            }
            if (target.size() != length()) {
                throw new IOException(file + " has " + target.size() + " bytes, expected " + length());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + " for SOP instance " + sopInstanceUID + ": "
                    + e.getMessage(), e);
        }
    }

    /** Reads at most {@code remaining} bytes, then reports the end; closing closes the channel's stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("file ended " + remaining + " bytes early");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new IOException("file ended " + remaining + " bytes early");
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
