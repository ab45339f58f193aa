package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.dicom.PixelDataDigest;
import org.dicomstage.dicom.SplicedInstance;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * Reading instances and writing their pseudonymized copies, with the pixel bytes never passing through the
 * dataset transformation: native Pixel Data at the end of a file is spliced behind the new header
 * ({@link #splice}); any other is written back verbatim and proven equal to the input's ({@link #write}).
 */
final class InstanceFiles {

    /**
     * Read first: enough for a CT or MR header without large private blocks. Most of it is pixel data we do not
     * need, so a larger first read only costs copies; a header that does not fit is read again with
     * {@link #LONG_HEADER_PREFIX}.
     */
    private static final int HEADER_PREFIX = 16 * 1024;
    /** Enough for any header we have seen; a longer one takes the general path, which reads the whole file. */
    private static final int LONG_HEADER_PREFIX = 64 * 1024;
    private static final String SOURCE_AE = "DICOMSTAGE";

    /** Turns a source dataset, named for errors, into its pseudonymized copy; null sends it the general path. */
    @FunctionalInterface
    interface HeaderTransform {
        AttributeList apply(AttributeList source, String name);
    }

    /** A parsed input, and where its pixel bytes lie in the file (to prove the output kept them). */
    record Source(AttributeList list, String transferSyntax, PixelDataDigest.PixelValue pixels,
            List<byte[]> fragments) {
    }

    private InstanceFiles() {
    }

    /**
     * Native Pixel Data as a file's last element: reads and transforms only the header, and leaves the pixel value
     * where it lies in {@code in}. Returns {@code null} when the file needs the general path.
     */
    static SplicedInstance splice(Path in, HeaderTransform transform) {
        try (FileChannel source = FileChannel.open(in, StandardOpenOption.READ)) {
            long size = source.size();
            byte[] prefix = new byte[(int) Math.min(size, HEADER_PREFIX)];
            readFully(source, prefix);
            PixelDataDigest.NativeRange pixels = PixelDataDigest.locateNative(prefix, size, in.toString());
            if (pixels == null && size > prefix.length) {
                prefix = new byte[(int) Math.min(size, LONG_HEADER_PREFIX)];
                readFully(source, prefix);
                pixels = PixelDataDigest.locateNative(prefix, size, in.toString());
            }
            if (pixels == null) {
                return null;
            }
            AttributeList list = new AttributeList();
            list.setDecompressPixelData(false);
            String ts;
            try (DicomInputStream dicom = new DicomInputStream(new ByteArrayInputStream(prefix))) {
                list.read(dicom, TagFromName.PixelData);
                ts = dicom.getTransferSyntaxToReadDataSet().getUID();
            }
            if (list.get(TagFromName.PixelData) != null) {
                return null;
            }
            AttributeList output = transform.apply(list, in.toString());
            if (output == null) {
                return null;
            }
            output.put(VerbatimNativePixelData.headerOnly(pixels,
                    Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 16)));
            output.removeGroupLengthAttributes();
            output.removeMetaInformationHeaderAttributes();
            FileMetaInformation.addFileMetaInformation(output, ts, SOURCE_AE);
            ByteArrayOutputStream encoded = new ByteArrayOutputStream(pixels.valueOffset() + 4096);
            output.write(encoded, ts, true, false);
            byte[] header = encoded.toByteArray();
            // The written header must end exactly where the value starts, with the same length declared.
            PixelDataDigest.NativeRange written = PixelDataDigest.locateNative(header,
                    (long) header.length + pixels.length(), in + " (pseudonymized)");
            if (written == null || written.valueOffset() != header.length || written.length() != pixels.length()) {
                throw new PseudonymizationException(in + ": the pseudonymized header does not end with its Pixel"
                        + " Data element");
            }
            return new SplicedInstance(Attribute.getSingleStringValueOrEmptyString(output, TagFromName.SOPClassUID),
                    Attribute.getSingleStringValueOrEmptyString(output, TagFromName.SOPInstanceUID), ts, header,
                    written.datasetStart(), in, pixels.valueOffset(), pixels.length());
        } catch (IOException | DicomException e) {
            throw new PseudonymizationException("cannot read " + in + ": " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel channel, byte[] into) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, buffer.position()) < 0) {
                throw new IOException("the file shrank while being read");
            }
        }
    }

    /**
     * @param pixelsVerbatim read only up to native Pixel Data, which {@link #write} then copies from the file's
     *                       bytes; the dry run reads everything, so that it can list Pixel Data too
     */
    static Source read(Path in, boolean pixelsVerbatim) {
        byte[] bytes;
        PixelDataDigest.PixelValue pixels;
        try {
            bytes = Files.readAllBytes(in);
            // Our own parse first: PixelMed logs truncation and stops, returning a partial list without error.
            pixels = PixelDataDigest.locate(bytes, in.toString());
        } catch (IOException e) {
            throw new PseudonymizationException("cannot read " + in + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new PseudonymizationException("cannot read " + in + ": " + stripPrefix(e.getMessage(), in), e);
        }
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        String ts;
        try (InputStream stream = new ByteArrayInputStream(bytes);
                DicomInputStream dicom = new DicomInputStream(stream)) {
            boolean verbatim = pixelsVerbatim && pixels != null && pixels.copyableVerbatim();
            if (verbatim) {
                list.read(dicom, TagFromName.PixelData);
            } else {
                list.read(dicom);
            }
            ts = dicom.getTransferSyntaxToReadDataSet().getUID();
            if (verbatim) {
                if (list.get(TagFromName.PixelData) != null) {
                    throw new IllegalStateException("PixelMed read past Pixel Data although asked to stop before it");
                }
                list.put(new VerbatimNativePixelData(pixels,
                        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 16)));
            } else if (dicom.read() != -1) {
                throw new PseudonymizationException("cannot read " + in
                        + ": the DICOM parser stopped before the end of the file (malformed content)");
            }
        } catch (IOException | DicomException | RuntimeException e) {
            if (e instanceof PseudonymizationException p) {
                throw p;
            }
            throw new PseudonymizationException("cannot read " + in + ": " + e.getMessage(), e);
        }
        Attribute pixelData = list.get(TagFromName.PixelData);
        List<byte[]> fragments = pixelData != null && pixelData.getVL() == 0xFFFFFFFFL && pixels != null
                ? pixels.items() : List.of();
        return new Source(list, ts, pixels, fragments);
    }

    private static String stripPrefix(String message, Path in) {
        String prefix = in + ": ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /**
     * Encodes {@code output} in the source's transfer syntax, checks that its pixel bytes are the source's byte for
     * byte, and only then writes it ({@link #place}).
     */
    static void write(Source source, AttributeList output, Path in, Path out, Placement placement) {
        write(source, output, in, out, false, placement);
    }

    /**
     * Like {@link #write}, for a copy whose pixels a pixel rule masked: they differ from the input's by design, so
     * only their length is checked here (the staging verification compares them outside the rectangles).
     */
    static void writeMasked(Source source, AttributeList output, Path in, Path out, Placement placement) {
        write(source, output, in, out, true, placement);
    }

    private static void write(Source source, AttributeList output, Path in, Path out, boolean masked,
            Placement placement) {
        byte[] bytes;
        try {
            if (!source.fragments.isEmpty() && !masked) {
                // PixelMed re-pads fragments it read; write the stored items back byte for byte instead.
                output.put(new VerbatimEncapsulatedPixelData(source.fragments));
            }
            output.removeGroupLengthAttributes();
            output.removeMetaInformationHeaderAttributes();
            FileMetaInformation.addFileMetaInformation(output, source.transferSyntax, SOURCE_AE);
            // Encoded in memory first: the pixel check reads these bytes instead of the file back from disk, and the
            // file is written in one go. About one file's size per thread.
            ByteArrayOutputStream encoded = new ByteArrayOutputStream(
                    (int) Math.min(Integer.MAX_VALUE - 8, Files.size(in) + 4096));
            output.write(encoded, source.transferSyntax, true, false);
            bytes = encoded.toByteArray();
        } catch (IOException | DicomException | RuntimeException e) {
            throw new PseudonymizationException("cannot write " + out + " from " + in + ": " + e.getMessage(), e);
        }
        PixelDataDigest.PixelValue written;
        try {
            written = PixelDataDigest.locate(bytes, out.toString());
        } catch (IllegalArgumentException e) {
            throw new PseudonymizationException(in + ": the output cannot be read back (" + e.getMessage()
                    + "); nothing written", e);
        }
        boolean kept = source.pixels == null ? written == null : written != null && (masked
                ? written.nativeLength() == source.pixels.nativeLength() : written.sameBytes(source.pixels));
        if (!kept) {
            throw new PseudonymizationException(in + ": pixel data of the output differs from the input"
                    + "; nothing written");
        }
        place(in, out, placement, file -> Files.write(file, bytes, StandardOpenOption.WRITE));
    }

    @FunctionalInterface
    interface FileContent {
        void writeTo(Path file) throws IOException;
    }

    /** How a written file takes its place. */
    enum Placement {
        /**
         * Written under a temporary name beside {@code out} and renamed over it: {@code out} appears whole or not at
         * all, and replaces an earlier copy.
         */
        REPLACE_ATOMICALLY,
        /**
         * Created under its own name, which must be free, and deleted again on any failure: for a folder nobody
         * reads until the whole run is done (the CLI's, renamed into place at the end). A rename per file takes
         * the directory's lock twice more; two threads filling one folder spent a quarter of their time there.
         */
        CREATE_NEW
    }

    /** Files readable by their owner only, as the temporary files of {@link Placement#REPLACE_ATOMICALLY} are. */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));

    static void place(Path in, Path out, Placement placement, FileContent content) {
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new PseudonymizationException(in + ": output would overwrite the input");
        }
        if (placement == Placement.REPLACE_ATOMICALLY) {
            writeAtomically(in, out, content);
        } else {
            createNew(in, out, content);
        }
    }

    private static void createNew(Path in, Path out, FileContent content) {
        boolean created = false;
        try {
            try {
                Files.createFile(out, OWNER_ONLY);
            } catch (NoSuchFileException e) {
                // The first file of a folder: creating it only then saves a lookup per file.
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.createFile(out, OWNER_ONLY);
            }
            created = true;
            content.writeTo(out);
            created = false;
        } catch (IOException | UncheckedIOException e) {
            throw new PseudonymizationException("cannot write " + out + " from " + in + ": " + e.getMessage(), e);
        } finally {
            if (created) {
                deleteQuietly(out);
            }
        }
    }

    /**
     * Writes into a new temporary file beside {@code out} and moves that into place, so {@code out} appears whole
     * or not at all; on any failure nothing is left behind.
     */
    private static void writeAtomically(Path in, Path out, FileContent content) {
        Path temp = null;
        try {
            Path dir = out.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + out.getFileName(), ".part");
            content.writeTo(temp);
            try {
                Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException | UncheckedIOException e) {
            throw new PseudonymizationException("cannot write " + out + " from " + in + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The original failure is what the caller needs to see.
        }
    }
}
