package org.dicomstage.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TransferSyntax;

/**
 * DICOM objects built to hurt a parser, byte by byte (a toolkit would refuse to write them): each is a CT image
 * header that any archive accepts, followed by the damage its name says. The data sets are explicit VR little endian
 * (JPEG baseline for the fragments), and every object has its own short SOP Instance UID so a failure can name it.
 */
public final class HostileObjectGenerator {

    /** One hostile object: its data set without meta information, and how to write it as a Part-10 file. */
    public record HostileObject(String name, String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
            byte[] dataset) {

        /** Preamble, meta information (encoded by PixelMed) and the data set. */
        public byte[] part10() {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                // PixelMed writes the preamble and DICM itself when given a meta information transfer syntax
                DicomOutputStream meta = new DicomOutputStream(out, TransferSyntax.ExplicitVRLittleEndian, null);
                new FileMetaInformation(sopClassUid, sopInstanceUid, transferSyntaxUid, "HOSTILE").getAttributeList()
                        .write(meta);
                meta.flush();
                out.write(dataset);
                return out.toByteArray();
            } catch (IOException | DicomException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Writes {@code name.dcm} into {@code directory}. */
        public Path write(Path directory) {
            try {
                Files.createDirectories(directory);
                return Files.write(directory.resolve(name + ".dcm"), part10());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final String ROOT = "1.2.826.0.1.3680043.10.1137.";
    private static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";

    private HostileObjectGenerator() {
    }

    /** The objects of issue 11: a 2 GB declared private OB, sequences 300 and 1,000 deep, truncated, garbage fragments. */
    /**
     * What the failure of each object of {@link #all()} says, besides the object's name, with the default limits
     * (max-element-bytes 1 GiB, max-sequence-depth 64), whichever path reads it.
     */
    public static final Map<String, String> REASONS = Map.of(
            "declared-2GB-private-OB", "declares 2147483632 bytes",
            "sequences-300-deep", "nested deeper than 64",
            "sequences-1000-deep", "nested deeper than 64",
            "truncated", "declares 8192 bytes but only 3000 remain",
            "garbage-fragments", "declares 2147483632 bytes");

    public static List<HostileObject> all() {
        return List.of(declaredTwoGigabytes(), deepSequences(300), deepSequences(1000), truncated(), garbageFragments());
    }

    /** A small, sound CT header whose data set says SOP Instance UID {@code sopInstanceUid}, whatever that is. */
    public static HostileObject plain(String name, String sopInstanceUid) {
        return object(name, sopInstanceUid, TransferSyntax.ExplicitVRLittleEndian, header(sopInstanceUid), patient());
    }

    /** About 720 bytes as a file, with a private OB that declares 2,147,483,632 bytes and holds 300. */
    public static HostileObject declaredTwoGigabytes() {
        String sop = ROOT + "1";
        Writer w = header(sop);
        w.shortElement(0x0009, 0x0010, "LO", ascii("HOSTILE "));
        w.longHeader(0x0009, 0x1010, "OB", 0x7FFFFFF0L);
        w.bytes(new byte[300]);
        return object("declared-2GB-private-OB", sop, TransferSyntax.ExplicitVRLittleEndian, w, patient());
    }

    /** Referenced Series Sequences nested {@code depth} deep, each with one undefined-length item. */
    public static HostileObject deepSequences(int depth) {
        String sop = ROOT + "2." + depth;
        Writer w = header(sop);
        for (int i = 0; i < depth; i++) {
            w.longHeader(0x0008, 0x1115, "SQ", 0xFFFFFFFFL);
            w.itemHeader(0xE000, 0xFFFFFFFFL);
        }
        for (int i = 0; i < depth; i++) {
            w.itemHeader(0xE00D, 0);
            w.itemHeader(0xE0DD, 0);
        }
        return object("sequences-" + depth + "-deep", sop, TransferSyntax.ExplicitVRLittleEndian, w, patient());
    }

    /** Native Pixel Data declaring 8,192 bytes, cut off after 3,000 of them. */
    public static HostileObject truncated() {
        String sop = ROOT + "3";
        Writer w = header(sop);
        Writer tail = patient();
        tail.longHeader(0x7FE0, 0x0010, "OW", 8192);
        tail.bytes(new byte[3000]);
        return object("truncated", sop, TransferSyntax.ExplicitVRLittleEndian, w, tail);
    }

    /** Encapsulated Pixel Data: an empty offset table, then a fragment declaring 2 GB, then noise. */
    public static HostileObject garbageFragments() {
        String sop = ROOT + "4";
        Writer w = header(sop);
        Writer tail = patient();
        tail.longHeader(0x7FE0, 0x0010, "OB", 0xFFFFFFFFL);
        tail.itemHeader(0xE000, 0);
        tail.itemHeader(0xE000, 0x7FFFFFF0L);
        byte[] noise = new byte[512];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) (i * 31 + 7);
        }
        tail.bytes(noise);
        return object("garbage-fragments", sop, JPEG_BASELINE, w, tail);
    }

    private static Writer header(String sop) {
        Writer w = new Writer();
        w.shortElement(0x0008, 0x0016, "UI", uid(SOPClass.CTImageStorage));
        w.shortElement(0x0008, 0x0018, "UI", uid(sop));
        w.shortElement(0x0008, 0x0060, "CS", ascii("CT"));
        return w;
    }

    /** Patient and study elements, which sort after group 0008 and 0009: written into a second buffer. */
    private static Writer patient() {
        Writer w = new Writer();
        w.shortElement(0x0010, 0x0010, "PN", ascii("HOSTILE^OBJECT"));
        w.shortElement(0x0010, 0x0020, "LO", ascii("HOSTILE-1 "));
        w.shortElement(0x0020, 0x000D, "UI", uid(ROOT + "100"));
        w.shortElement(0x0020, 0x000E, "UI", uid(ROOT + "101"));
        return w;
    }

    private static HostileObject object(String name, String sop, String ts, Writer head, Writer tail) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(head.out.toByteArray());
        all.writeBytes(tail.out.toByteArray());
        return new HostileObject(name, SOPClass.CTImageStorage, sop, ts, all.toByteArray());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] uid(String s) {
        byte[] b = ascii(s);
        return b.length % 2 == 0 ? b : java.util.Arrays.copyOf(b, b.length + 1);
    }

    /** Explicit VR little endian element headers and values, as PS3.5 7.1.2 lays them out. */
    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void shortElement(int group, int element, String vr, byte[] value) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) group).putShort((short) element).put(ascii(vr)).putShort((short) value.length);
            out.writeBytes(b.array());
            out.writeBytes(value);
        }

        void longHeader(int group, int element, String vr, long length) {
            ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) group).putShort((short) element).put(ascii(vr)).putShort((short) 0)
                    .putInt((int) length);
            out.writeBytes(b.array());
        }

        void itemHeader(int element, long length) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) 0xFFFE).putShort((short) element).putInt((int) length);
            out.writeBytes(b.array());
        }

        void bytes(byte[] value) {
            out.writeBytes(value);
        }
    }
}
