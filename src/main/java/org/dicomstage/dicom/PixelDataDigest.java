package org.dicomstage.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * SHA-256 of the Pixel Data (7FE0,0010) value exactly as encoded, never decoded: native pixel data
 * hashes its value bytes in the transfer syntax's byte order; encapsulated pixel data hashes the
 * concatenated fragments after the Basic Offset Table (the offset table and fragment boundaries are
 * framing, not pixels, and toolkits legitimately rebuild them).
 *
 * <p>The file variant parses the byte stream itself rather than through PixelMed, so it is an
 * independent witness of what a toolkit wrote; it also walks the whole top-level dataset and rejects
 * files whose structure is truncated or malformed ({@link IllegalArgumentException}), which PixelMed
 * only logs. Returns {@code null} when there is no Pixel Data.
 */
public final class PixelDataDigest {

    private static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    private static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
    private static final String DEFLATED = "1.2.840.10008.1.2.1.99";
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final DicomDictionary DICTIONARY = DicomDictionary.StandardDictionary;
    private static final int PIXEL_DATA = 0x7FE00010;
    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_DELIMITER = 0xFFFEE00D;
    private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;
    /** VRs whose explicit encoding has two reserved bytes and a 32-bit length. */
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
            "UR", "UT", "UV");
    private static final Set<String> SHORT_VRS = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS",
            "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US");

    private PixelDataDigest() {
    }

    /** Hex SHA-256 of the Pixel Data of a list read by PixelMed (compressed data must not have been decompressed). */
    public static String sha256(AttributeList list) {
        Attribute pixelData = list.get(TagFromName.PixelData);
        if (pixelData == null) {
            return null;
        }
        String ts = Attribute.getSingleStringValueOrDefault(list, TagFromName.TransferSyntaxUID, IMPLICIT_LE).trim();
        // Deflate applies to the whole stream, not to the value: the value is the explicit little endian one.
        String encodeAs = DEFLATED.equals(ts) ? EXPLICIT_LE : ts;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            DicomOutputStream out = new DicomOutputStream(bytes, null, encodeAs);
            pixelData.write(out);
            out.flush();
        } catch (IOException | DicomException e) {
            throw new IllegalArgumentException("cannot encode Pixel Data in " + encodeAs + ": " + e.getMessage(), e);
        }
        TransferSyntax syntax = new TransferSyntax(encodeAs);
        Parser parser = new Parser(bytes.toByteArray(), syntax.isExplicitVR(), syntax.isBigEndian(), "Pixel Data");
        PixelValue value = parser.locateTopLevel();
        return value == null ? null : value.sha256();
    }

    /** Hex SHA-256 of the Pixel Data of a Part-10 file or a raw dataset (implicit or explicit VR little endian). */
    public static String sha256(Path part10OrRawFile) {
        PixelValue value = locate(readAll(part10OrRawFile), part10OrRawFile.toString());
        return value == null ? null : value.sha256();
    }

    /**
     * The items of encapsulated Pixel Data exactly as stored (the Basic Offset Table first, then every fragment),
     * or an empty list when the Pixel Data is native or absent. Lets a writer reproduce the encoded pixel bytes
     * verbatim where a toolkit would normalize fragment padding.
     */
    public static List<byte[]> encapsulatedItems(Path part10OrRawFile) {
        PixelValue value = locate(readAll(part10OrRawFile), part10OrRawFile.toString());
        return value == null ? List.of() : value.items();
    }

    /**
     * Checks that the whole top-level dataset of the file is structurally complete (every declared length fits,
     * every undefined-length sequence is delimited); throws {@link IllegalArgumentException} naming the defect.
     */
    public static void checkStructure(Path part10OrRawFile) {
        checkStructure(part10OrRawFile, part10OrRawFile.toString());
    }

    /**
     * As {@link #checkStructure(Path)}, and within {@link DicomLimits#current()}, naming the object {@code name} in the
     * exception (a received file's own name means nothing to the sender).
     */
    public static void checkStructure(Path part10OrRawFile, String name) {
        locate(readAll(part10OrRawFile), name);
    }

    private static final int SOP_INSTANCE_UID = 0x00080018;
    private static final int NAME_PREFIX = 64 * 1024;

    /**
     * The SOP Instance UID of a file, found by walking only the elements before it (within the same checks as
     * {@link #checkStructure}), so that a file whose later structure is damaged can still be named; null when the
     * first 64 KB cannot tell or the value is not a valid UID.
     */
    public static String sopInstanceUid(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            byte[] prefix = in.readNBytes((int) Math.min(size, NAME_PREFIX));
            Parser parser = parse(prefix, (int) Math.min(size, Integer.MAX_VALUE), file.toString());
            while (parser != null && parser.pos < prefix.length) {
                int tag = parser.tag();
                long length = parser.header(tag);
                if (Integer.compareUnsigned(tag, SOP_INSTANCE_UID) > 0 || length == UNDEFINED) {
                    return null;
                }
                parser.require(length, tag);
                if (tag == SOP_INSTANCE_UID) {
                    String value = new String(prefix, parser.pos, (int) length, StandardCharsets.US_ASCII)
                            .replace('\0', ' ').trim();
                    return Uids.isValid(value) ? value : null;
                }
                parser.pos += (int) length;
            }
            return null;
        } catch (IOException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** As {@link #checkStructure(Path)} for a data set without meta information in a known transfer syntax. */
    public static void checkStructure(byte[] dataset, TransferSyntax syntax, String name) {
        new Parser(dataset, syntax.isExplicitVR(), syntax.isBigEndian(), name).locateTopLevel();
    }

    /**
     * Walks the whole top-level dataset of a file's bytes (rejecting truncated or malformed structure, as
     * {@link #checkStructure} does) and returns where its Pixel Data value lies, or {@code null} without Pixel
     * Data. Nothing is hashed or copied: comparing two files' pixel bytes this way costs one memory comparison.
     */
    public static PixelValue locate(byte[] part10OrRawBytes, String name) {
        return parse(part10OrRawBytes, name).locateTopLevel();
    }

    /**
     * Where a file's native Pixel Data value lies: from {@code valueOffset} to the end of the file. The dataset
     * starts at {@code datasetStart}, after any preamble and meta information.
     */
    public record NativeRange(int datasetStart, int valueOffset, int length, String vr) {
    }

    /**
     * Finds native Pixel Data from the first bytes of a file only, so that a copier can let the kernel copy the
     * value instead of reading it. The header in the prefix is walked as strictly as by {@link #locate}. Returns
     * {@code null} when the prefix cannot tell: the header is longer than the prefix, the stream is deflated,
     * the Pixel Data is encapsulated or absent, something follows it, or the structure has a defect. The caller
     * then reads the whole file, which also yields the precise error.
     */
    public static NativeRange locateNative(byte[] prefix, long fileLength, String name) {
        if (fileLength > Integer.MAX_VALUE || prefix.length > fileLength) {
            return null;
        }
        try {
            Parser parser = parse(prefix, (int) fileLength, name);
            if (parser == null) {
                return null;
            }
            int datasetStart = parser.pos;
            PixelValue value = parser.locateTopLevel();
            if (value == null || !value.copyableVerbatim()) {
                return null;
            }
            int[] range = value.ranges.get(0);
            return (long) range[0] + range[1] == fileLength
                    ? new NativeRange(datasetStart, range[0], range[1], value.vr) : null;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            // A defect, or a header that runs past the prefix: only the whole file can tell which.
            return null;
        }
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The Pixel Data value inside a file's bytes: one native range, or the encapsulated items (the Basic Offset
     * Table first). Its identity, as for the digest, is the native value or the fragments after the offset table.
     */
    public static final class PixelValue {
        private final byte[] data;
        private final boolean encapsulated;
        private final List<int[]> ranges;
        private final String vr;
        private final boolean lastElement;
        private final boolean inflated;

        private PixelValue(byte[] data, boolean encapsulated, List<int[]> ranges, String vr, boolean lastElement,
                boolean inflated) {
            this.data = data;
            this.encapsulated = encapsulated;
            this.ranges = ranges;
            this.vr = vr;
            this.lastElement = lastElement;
            this.inflated = inflated;
        }

        public boolean encapsulated() {
            return encapsulated;
        }

        /** The VR the file gives Pixel Data (OB or OW), or null in an implicit VR transfer syntax. */
        public String vr() {
            return vr;
        }

        /**
         * True when the native value can be copied byte for byte into a new file of the same transfer syntax:
         * it is the last top-level element and lies in the file as stored (not inside a deflated stream).
         */
        public boolean copyableVerbatim() {
            return !encapsulated && lastElement && !inflated;
        }

        /** Length of the native value in bytes. */
        public int nativeLength() {
            if (encapsulated) {
                throw new IllegalStateException("encapsulated Pixel Data has items, not one value");
            }
            return ranges.get(0)[1];
        }

        /** Writes the native value exactly as stored (same byte order, nothing decoded). */
        public void writeNativeValue(java.io.OutputStream out) throws IOException {
            int[] r = ranges.get(0);
            out.write(data, r[0], r[1]);
        }

        /** Copies of the encapsulated items, offset table first; empty for native Pixel Data. */
        public List<byte[]> items() {
            if (!encapsulated) {
                return List.of();
            }
            List<byte[]> items = new ArrayList<>(ranges.size());
            for (int[] r : ranges) {
                items.add(Arrays.copyOfRange(data, r[0], r[0] + r[1]));
            }
            return items;
        }

        public String sha256() {
            MessageDigest sha = PixelDataDigest.sha256Digest();
            for (int[] r : pixelRanges()) {
                sha.update(data, r[0], r[1]);
            }
            return HexFormat.of().formatHex(sha.digest());
        }

        /** True when both hold the same pixel bytes (what {@link #sha256()} would tell, without hashing). */
        public boolean sameBytes(PixelValue other) {
            List<int[]> mine = pixelRanges();
            List<int[]> theirs = other.pixelRanges();
            if (mine.size() != theirs.size()) {
                return sha256().equals(other.sha256());
            }
            for (int i = 0; i < mine.size(); i++) {
                int[] a = mine.get(i);
                int[] b = theirs.get(i);
                if (!Arrays.equals(data, a[0], a[0] + a[1], other.data, b[0], b[0] + b[1])) {
                    return false;
                }
            }
            return true;
        }

        private List<int[]> pixelRanges() {
            return encapsulated && !ranges.isEmpty() ? ranges.subList(1, ranges.size()) : ranges;
        }
    }

    private static Parser parse(byte[] data, String name) {
        return parse(data, data.length, name);
    }

    /**
     * @param end the length of the whole file; more than {@code data.length} when only a prefix is at hand,
     *            and then a deflated stream gives {@code null} (a prefix cannot be inflated)
     */
    private static Parser parse(byte[] data, int end, String name) {
        int start = 0;
        boolean hasPreamble = data.length >= 132 && data[128] == 'D' && data[129] == 'I' && data[130] == 'C'
                && data[131] == 'M';
        if (hasPreamble) {
            start = 132;
        }
        boolean metaFollows = data.length >= start + 8 && (data[start] & 0xFF) == 0x02 && data[start + 1] == 0
                && Character.isUpperCase(data[start + 4]) && Character.isUpperCase(data[start + 5]);
        if (!metaFollows) {
            if (hasPreamble) {
                throw new IllegalArgumentException(name + ": DICM prefix without a file meta information group");
            }
            // Elements come in ascending order and every object has SOP Class UID (0008,0016): a dataset without
            // a meta group starts at group 0008 or below. Anything else is some other kind of file, and is named so.
            int firstGroup = data.length >= 2 ? (data[0] & 0xFF) | (data[1] & 0xFF) << 8 : 0;
            if (data.length < 8 || firstGroup > 0x0008) {
                throw new IllegalArgumentException(name + ": not a DICOM file (no 'DICM' at byte 128, and it does"
                        + " not start with a data element of group 0008; it starts with '"
                        + Parser.printable(new String(data, 0, Math.min(data.length, 8),
                        StandardCharsets.ISO_8859_1)) + "')");
            }
            boolean explicit = data.length >= 6 && SHORT_VRS.contains(vrAt(data, 4)) || data.length >= 6
                    && LONG_VRS.contains(vrAt(data, 4));
            return new Parser(data, explicit, false, name, 0, end);
        }
        Parser meta = new Parser(data, true, false, name, start, end);
        String transferSyntax = null;
        while (meta.pos + 8 <= end && meta.u16(meta.pos) == 0x0002) {
            int tag = meta.tag();
            long length = meta.header(tag);
            meta.require(length, tag);
            if (tag == 0x00020010) {
                transferSyntax = new String(data, meta.pos, (int) length, StandardCharsets.US_ASCII)
                        .replace('\0', ' ').trim();
            }
            meta.pos += (int) length;
        }
        if (transferSyntax == null) {
            throw new IllegalArgumentException(name + ": file meta information has no Transfer Syntax UID");
        }
        int datasetStart = meta.pos;
        if (DEFLATED.equals(transferSyntax)) {
            if (end != data.length) {
                return null;
            }
            byte[] inflated = inflate(data, datasetStart, name);
            Parser parser = new Parser(inflated, true, false, name);
            parser.inflated = true;
            return parser;
        }
        TransferSyntax syntax = new TransferSyntax(transferSyntax);
        return new Parser(data, syntax.isExplicitVR(), syntax.isBigEndian(), name, datasetStart, end);
    }

    private static String vrAt(byte[] data, int offset) {
        return new String(data, offset, 2, StandardCharsets.US_ASCII);
    }

    private static byte[] inflate(byte[] data, int offset, String name) {
        Inflater inflater = new Inflater(true);
        inflater.setInput(data, offset, data.length - offset);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, (data.length - offset) * 4));
        byte[] buffer = new byte[65536];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException(name + ": deflated dataset is truncated");
                }
                out.write(buffer, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException(name + ": deflated dataset is corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        return out.toByteArray();
    }

    private static final class Parser {
        private final byte[] data;
        private final boolean explicit;
        private final boolean bigEndian;
        private final String name;
        /** Exclusive end of the region being parsed: the file, or the value of a defined-length sequence or item. */
        private final int end;
        private int pos;
        private String lastVr;
        /** The bytes are an inflated copy of a deflated stream, not the file as stored. */
        private boolean inflated;
        /** Sequences this region is nested in. */
        private int depth;
        private final DicomLimits limits = DicomLimits.current();

        Parser(byte[] data, boolean explicit, boolean bigEndian, String name) {
            this(data, explicit, bigEndian, name, 0, data.length);
        }

        private Parser(byte[] data, boolean explicit, boolean bigEndian, String name, int pos, int end) {
            this.data = data;
            this.explicit = explicit;
            this.bigEndian = bigEndian;
            this.name = name;
            this.pos = pos;
            this.end = end;
        }

        PixelValue locateTopLevel() {
            PixelValue found = null;
            boolean afterPixelData = false;
            while (pos < end) {
                int tag = tag();
                long length = header(tag);
                afterPixelData |= found != null;
                if (tag == PIXEL_DATA) {
                    List<int[]> ranges = new ArrayList<>();
                    boolean encapsulated = length == UNDEFINED;
                    if (encapsulated) {
                        fragments(ranges);
                    } else {
                        require(length, tag);
                        ranges.add(new int[] {pos, (int) length});
                        pos += (int) length;
                    }
                    found = new PixelValue(data, encapsulated, ranges, explicit ? lastVr : null, true, inflated);
                } else {
                    value(tag, length);
                }
            }
            return found == null || !afterPixelData ? found
                    : new PixelValue(found.data, found.encapsulated, found.ranges, found.vr, false, found.inflated);
        }

        /** Skips one value; sequences are walked item by item so that damage inside them is found too. */
        private void value(int tag, long length) {
            if (length == UNDEFINED) {
                // An undefined-length UN holds implicit VR little endian (PS3.5 6.2.2).
                sequence(explicit && !"UN".equals(lastVr), true);
                return;
            }
            require(length, tag);
            int valueEnd = pos + (int) length;
            if (isSequence(tag)) {
                Parser inner = nested(explicit, pos, valueEnd);
                inner.sequence(explicit, false);
            }
            pos = valueEnd;
        }

        private boolean isSequence(int tag) {
            if (explicit) {
                return "SQ".equals(lastVr);
            }
            // Implicit VR: only the dictionary knows; private sequences of defined length are skipped unchecked.
            if (((tag >>> 16) & 1) == 1) {
                return false;
            }
            byte[] vr = DICTIONARY.getValueRepresentationFromTag(new AttributeTag(tag >>> 16, tag & 0xFFFF));
            return vr != null && vr.length == 2 && vr[0] == 'S' && vr[1] == 'Q';
        }

        private void fragments(List<int[]> ranges) {
            while (true) {
                int tag = itemHeader();
                long length = u32(pos - 4);
                if (tag == SEQUENCE_DELIMITER) {
                    return;
                }
                if (tag != ITEM || length == UNDEFINED) {
                    throw malformed("encapsulated Pixel Data has " + hex(tag) + " where a fragment item belongs");
                }
                require(length, tag);
                ranges.add(new int[] {pos, (int) length});
                pos += (int) length;
            }
        }

        /**
         * Walks the items of a sequence up to its delimiter, or up to this parser's end for a defined-length
         * one, checking that every item is complete.
         */
        private void sequence(boolean explicitInside, boolean delimited) {
            if (depth + 1 > limits.maxSequenceDepth()) {
                throw malformed("sequences are nested deeper than " + limits.maxSequenceDepth()
                        + " levels (the limit, dicomstage.limits.max-sequence-depth)");
            }
            depth++;
            try {
                walkItems(explicitInside, delimited);
            } finally {
                depth--;
            }
        }

        private void walkItems(boolean explicitInside, boolean delimited) {
            while (true) {
                if (!delimited && pos == end) {
                    return;
                }
                int tag = itemHeader();
                long length = u32(pos - 4);
                if (tag == SEQUENCE_DELIMITER) {
                    return;
                }
                if (tag != ITEM) {
                    throw malformed("sequence has " + hex(tag) + " where an item belongs");
                }
                Parser item;
                if (length == UNDEFINED) {
                    item = nested(explicitInside, pos, end);
                    item.item(true);
                } else {
                    require(length, tag);
                    item = nested(explicitInside, pos, pos + (int) length);
                    item.item(false);
                }
                pos = item.pos;
            }
        }

        private void item(boolean delimited) {
            while (true) {
                if (!delimited && pos == end) {
                    return;
                }
                if (pos + 8 > end) {
                    throw malformed(delimited ? "item is not delimited before the end of the file"
                            : "item content overruns its declared length");
                }
                int tag = tag();
                if (tag == ITEM_DELIMITER) {
                    if (!delimited) {
                        throw malformed("item delimiter inside an item of defined length");
                    }
                    pos += 4;
                    return;
                }
                long length = header(tag);
                value(tag, length);
            }
        }

        /** Reads a tag and its VR/length header; leaves pos at the value. */
        long header(int tag) {
            if ((tag >>> 16) == 0xFFFE) {
                throw malformed("item tag " + hex(tag) + " where a data element belongs");
            }
            if (explicit) {
                need(4, tag);
                String vr = vrAt(data, pos);
                lastVr = vr;
                if (LONG_VRS.contains(vr)) {
                    need(8, tag);
                    long length = u32(pos + 4);
                    pos += 8;
                    return length;
                }
                if (!SHORT_VRS.contains(vr)) {
                    throw malformed("invalid VR '" + printable(vr) + "' for " + hex(tag));
                }
                long length = u16(pos + 2);
                pos += 4;
                return length;
            }
            need(4, tag);
            lastVr = null;
            long length = u32(pos);
            pos += 4;
            return length;
        }

        int tag() {
            need(4, 0);
            int tag = (u16(pos) << 16) | u16(pos + 2);
            pos += 4;
            return tag;
        }

        /** Reads an item or delimiter tag and its 32-bit length (never a VR); leaves pos after them. */
        private int itemHeader() {
            if (pos + 8 > end) {
                throw malformed("sequence is not delimited before the end of "
                        + (end == data.length ? "the file" : "its declared length"));
            }
            int tag = tag();
            pos += 4;
            return tag;
        }

        /** A parser for a region inside this one, as deep in sequences as this one is. */
        private Parser nested(boolean explicitInside, int from, int to) {
            Parser inner = new Parser(data, explicitInside, bigEndian, name, from, to);
            inner.depth = depth;
            return inner;
        }

        void require(long length, int tag) {
            if (length > limits.maxElementBytes()) {
                throw malformed(hex(tag) + " declares " + length + " bytes, more than the limit of "
                        + limits.maxElementBytes() + " (dicomstage.limits.max-element-bytes)");
            }
            if (length > end - pos) {
                throw malformed(hex(tag) + " declares " + length + " bytes but only " + (end - pos)
                        + " remain" + (end == data.length ? " (truncated)" : " in the enclosing item"));
            }
        }

        private void need(int bytes, int tag) {
            if (pos + bytes > end) {
                throw malformed("truncated inside the header of " + hex(tag));
            }
        }

        int u16(int at) {
            return bigEndian ? ((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF)
                    : (data[at] & 0xFF) | ((data[at + 1] & 0xFF) << 8);
        }

        long u32(int at) {
            long a = data[at] & 0xFF;
            long b = data[at + 1] & 0xFF;
            long c = data[at + 2] & 0xFF;
            long d = data[at + 3] & 0xFF;
            return bigEndian ? (a << 24) | (b << 16) | (c << 8) | d : a | (b << 8) | (c << 16) | (d << 24);
        }

        private IllegalArgumentException malformed(String reason) {
            return new IllegalArgumentException(name + ": " + reason + " at byte " + pos);
        }

        private static String printable(String vr) {
            StringBuilder sb = new StringBuilder();
            for (char c : vr.toCharArray()) {
                sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02X", (int) c));
            }
            return sb.toString();
        }
    }

    private static String hex(int tag) {
        return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
