package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UnknownAttribute;
import com.pixelmed.dicom.ValueRepresentation;
import org.dicomstage.dicom.PixelDataDigest;
import org.dicomstage.dicom.SplicedInstance;
import org.dicomstage.pseudonym.ConfidentialityTable.Action;
import org.dicomstage.pseudonym.ConfidentialityTable.Option;
import org.dicomstage.pseudonym.ConfidentialityTable.Rule;
import org.dicomstage.pseudonym.PseudonymizationProfile.Dates;
import org.dicomstage.pseudonym.PseudonymizationProfile.PatientIdentity;
import org.dicomstage.pseudonym.PseudonymizationProfile.SafePrivateTag;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pseudonymizes datasets for one study subject under one profile: PS3.15 Annex E Basic Profile with the
 * profile's options, applied at every depth; keyed UID mapping; patient pseudonym and clinical trial
 * attributes; private attributes removed unless allow-listed. Pixel data is never decoded or re-encoded.
 * Thread-safe: one instance can serve many files in parallel.
 */
public final class Pseudonymizer {

    private static final DicomDictionary DICTIONARY = DicomDictionary.StandardDictionary;
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final Pattern IS_VALUE = Pattern.compile("[+-]?\\d{1,12}");
    private static final Pattern DS_VALUE = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final String DCM = "DCM";
    /** Compiled once: every file of a series goes through these, and compiling them was a cost per file. */
    private static final Pattern NAME_SEPARATORS = Pattern.compile("[\\^=\\s,.]+");
    private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern EIGHT_DIGITS = Pattern.compile("\\d{8}");
    private static final Pattern IDEOGRAPHIC = Pattern.compile(
            "[\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}\\p{IsHangul}]");
    /** Keywords of UID attributes that name a class or coding scheme, never an instance: not mapped. */
    private static final Set<String> DEFINITIONAL_UID_KEYWORDS = Set.of("CodingSchemeUID", "ContextUID",
            "MappingResourceUID", "ReferencedTransferSyntaxUIDInFile", "TransferSyntaxUID");

    private static final Set<AttributeTag> KEPT_META = Set.of(TagFromName.FileMetaInformationVersion,
            TagFromName.MediaStorageSOPClassUID, TagFromName.TransferSyntaxUID, TagFromName.ImplementationClassUID,
            TagFromName.ImplementationVersionName);
    /** PixelMed's TagFromName lacks some keywords (its class hit the JVM size limit); the dictionary has them. */
    private static final AttributeTag PATIENT_BIRTH_NAME = DICTIONARY.getTagFromName("PatientBirthName");

    private final PseudonymizationProfile profile;
    private final PseudonymContext context;
    private final UidMapper uids;
    private final String patientPseudonym;
    private final int dateShiftDays;
    /** Patterns are immutable and thread-safe; a race merely compiles them twice. */
    private volatile IdentifierPatterns lastIdentifiers;

    public Pseudonymizer(PseudonymizationProfile profile, PseudonymContext context) {
        this.profile = java.util.Objects.requireNonNull(profile, "profile");
        this.context = java.util.Objects.requireNonNull(context, "context");
        byte[] secret = context.studySecret();
        this.uids = new UidMapper(secret);
        this.patientPseudonym = profile.patientIdentity() == PatientIdentity.SUBJECT_ID ? context.studySubjectID()
                : profile.pseudonymPrefix() + HexFormat.of().withUpperCase()
                        .formatHex(uids.hmac(("patient:" + context.studySubjectID()).getBytes(StandardCharsets.UTF_8)),
                                0, 8);
        if (profile.dates() == Dates.SHIFTED) {
            byte[] h = uids.hmac(("date-shift:" + context.studySubjectID()).getBytes(StandardCharsets.UTF_8));
            long value = ByteBuffer.wrap(h, 0, 8).getLong() & Long.MAX_VALUE;
            // Backwards by 1..max days: never zero (which would keep the true dates), never into the future.
            this.dateShiftDays = -(int) (1 + value % profile.maxDateShiftDays());
        } else {
            this.dateShiftDays = 0;
        }
    }

    /** What PatientID and PatientName become. */
    public String patientPseudonym() {
        return patientPseudonym;
    }

    /** Days added to every retained date under SHIFTED dates (negative), 0 otherwise. */
    public int dateShiftDays() {
        return dateShiftDays;
    }

    public PseudonymizationProfile profile() {
        return profile;
    }

    /** Returns a new, pseudonymized list; the source list and its attributes are not modified. */
    public AttributeList pseudonymize(AttributeList source) {
        return run(source, "dataset", false).output;
    }

    public DryRunReport dryRun(AttributeList source) {
        return new DryRunReport(patientPseudonym, run(source, "dataset", true).entries);
    }

    /**
     * Reads a Part-10 file or a raw dataset, pseudonymizes it and writes a Part-10 file in the same transfer
     * syntax. The output appears atomically; on any failure no output file is left. Native pixel data at the end
     * of the file is copied by the kernel from the input's own bytes behind a header checked to end exactly where
     * they begin ({@link #prepare}); any other pixel data is encoded in memory and compared byte for byte with the
     * input's before anything is written.
     */
    public void pseudonymize(Path in, Path out) {
        SplicedInstance spliced = prepare(in);
        if (spliced == null) {
            pseudonymizeInFull(in, out);
            return;
        }
        writeAtomically(in, out, spliced::writeTo);
    }

    /**
     * The general path of {@link #pseudonymize(Path, Path)}, for a file {@link #prepare} returned {@code null} for
     * (encapsulated, deflated, padded): reads the whole file, and checks the written pixel data byte for byte.
     */
    public void pseudonymizeInFull(Path in, Path out) {
        Source source = read(in, true);
        write(source, run(source.list, in.toString(), false).output, in, out);
    }

    /** Enough for any header we have seen; a longer one takes the general path, which reads the whole file. */
    private static final int HEADER_PREFIX = 64 * 1024;

    /**
     * The common case, native Pixel Data as a file's last element: reads and pseudonymizes only the header, and
     * leaves the pixel value where it lies in {@code in}. Writing the result ({@link SplicedInstance#writeTo}) lets
     * the kernel copy the value ({@code copy_file_range}); a DIMSE store sends it straight from {@code in}. Either
     * way the pixel bytes never pass through our code, so they cannot change. Returns {@code null} when the file
     * needs the general path (see {@link PixelDataDigest#locateNative}); {@code in} must stay unchanged while the
     * result is in use.
     *
     * @throws PseudonymizationException when the file cannot be read or its header cannot be pseudonymized
     */
    public SplicedInstance prepare(Path in) {
        try (FileChannel source = FileChannel.open(in, StandardOpenOption.READ)) {
            long size = source.size();
            byte[] prefix = new byte[(int) Math.min(size, HEADER_PREFIX)];
            readFully(source, prefix);
            PixelDataDigest.NativeRange pixels = PixelDataDigest.locateNative(prefix, size, in.toString());
            if (pixels == null) {
                return null;
            }
            AttributeList list = new AttributeList();
            list.setDecompressPixelData(false);
            String ts;
            try (DicomInputStream dicom = new DicomInputStream(new java.io.ByteArrayInputStream(prefix))) {
                list.read(dicom, TagFromName.PixelData);
                ts = dicom.getTransferSyntaxToReadDataSet().getUID();
            }
            if (list.get(TagFromName.PixelData) != null) {
                return null;
            }
            AttributeList output = run(list, in.toString(), false).output;
            output.put(VerbatimNativePixelData.headerOnly(pixels,
                    Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 16)));
            output.removeGroupLengthAttributes();
            output.removeMetaInformationHeaderAttributes();
            FileMetaInformation.addFileMetaInformation(output, ts, "DICOMSTAGE");
            java.io.ByteArrayOutputStream encoded = new java.io.ByteArrayOutputStream(prefix.length + 4096);
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

    /** Reads a file the way {@link #pseudonymize(Path, Path)} does, with compressed pixel data kept encapsulated. */
    public DryRunReport dryRun(Path in) {
        Source source = read(in, false);
        return new DryRunReport(patientPseudonym, run(source.list, in.toString(), true).entries);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading and writing files

    /** A parsed input, and where its pixel bytes lie in the file (to prove the output kept them). */
    private record Source(AttributeList list, String transferSyntax, PixelDataDigest.PixelValue pixels,
            List<byte[]> fragments) {
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
        try (InputStream stream = new java.io.ByteArrayInputStream(bytes);
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

    private static void write(Source source, AttributeList output, Path in, Path out) {
        byte[] bytes;
        try {
            if (!source.fragments.isEmpty()) {
                // PixelMed re-pads fragments it read; write the stored items back byte for byte instead.
                output.put(new VerbatimEncapsulatedPixelData(source.fragments));
            }
            output.removeGroupLengthAttributes();
            output.removeMetaInformationHeaderAttributes();
            FileMetaInformation.addFileMetaInformation(output, source.transferSyntax, "DICOMSTAGE");
            // Encoded in memory first: the pixel check reads these bytes instead of the file back from disk, and the
            // file is written in one go. About one file's size per thread.
            java.io.ByteArrayOutputStream encoded = new java.io.ByteArrayOutputStream(
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
        boolean kept = source.pixels == null ? written == null : written != null && written.sameBytes(source.pixels);
        if (!kept) {
            throw new PseudonymizationException(in + ": pixel data of the output differs from the input"
                    + "; nothing written");
        }
        writeAtomically(in, out, temp -> Files.write(temp, bytes, StandardOpenOption.WRITE));
    }

    @FunctionalInterface
    private interface FileContent {
        void writeTo(Path file) throws IOException;
    }

    /**
     * Writes into a new temporary file beside {@code out} and moves that into place, so {@code out} appears whole
     * or not at all; on any failure nothing is left behind.
     */
    private static void writeAtomically(Path in, Path out, FileContent content) {
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new PseudonymizationException(in + ": output would overwrite the input");
        }
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
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new PseudonymizationException("cannot write " + out + " from " + in + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The original failure is what the caller needs to see.
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The transformation

    private record Result(AttributeList output, List<DryRunReport.Entry> entries) {
    }

    /** State of one run over one dataset. */
    private final class Run {
        final String name;
        /** Only a dry run lists what happens to each attribute; describing them costs more than the change itself. */
        final boolean recording;
        final List<DryRunReport.Entry> entries = new ArrayList<>();
        final List<Pattern> identifiers;
        AttributeList source;

        Run(String name, AttributeList source, boolean recording) {
            this.name = name;
            this.recording = recording;
            this.identifiers = identifierPatterns(identifierWords(source));
        }

        PseudonymizationException fail(String reason) {
            return new PseudonymizationException(name + ": " + reason);
        }

        void report(String path, Attribute attribute, String keyword, DryRunReport.Action action, String reason,
                String after) {
            if (recording) {
                entries.add(new DryRunReport.Entry(path, tagText(attribute.getTag()), keyword, action, reason,
                        display(attribute), after));
            }
        }

        void report(String path, Attribute attribute, String keyword, DryRunReport.Action action, String reason,
                java.util.function.Supplier<String> after) {
            if (recording) {
                report(path, attribute, keyword, action, reason, after.get());
            }
        }
    }

    private Result run(AttributeList source, String name, boolean recording) {
        try {
            Run run = new Run(name, source, recording);
            SpecificCharacterSet charset = new SpecificCharacterSet(source);
            AttributeList output = transform(source, "", run, charset);
            setStudyAttributes(source, output, run, charset);
            return new Result(output, run.entries);
        } catch (PseudonymizationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PseudonymizationException(name + ": " + e, e);
        }
    }

    private AttributeList transform(AttributeList in, String parentPath, Run run, SpecificCharacterSet inherited) {
        SpecificCharacterSet charset = in.get(TagFromName.SpecificCharacterSet) != null
                ? new SpecificCharacterSet(in) : inherited;
        AttributeList out = new AttributeList();
        for (Attribute attribute : in.values()) {
            AttributeTag tag = attribute.getTag();
            String keyword = keyword(tag);
            String path = parentPath + keyword;
            if (!tag.isPrivate()) {
                validate(attribute, path, run);
            }
            if (tag.getGroup() == 0x0002) {
                transformMeta(attribute, out, path, keyword, run);
            } else if (tag.getGroup() < 0x0008) {
                run.report(path, attribute, keyword, DryRunReport.Action.REMOVE,
                        "group below 0008 (command, directory or reserved private)", "");
            } else if (tag.isPrivate()) {
                transformPrivate(in, attribute, out, path, run, charset);
            } else if (tag.getElement() == 0x0000) {
                run.report(path, attribute, keyword, DryRunReport.Action.REMOVE, "group length", "");
            } else if (attribute instanceof UnknownAttribute) {
                // A public tag that arrived as UN cannot be interpreted safely here: it could carry anything.
                run.report(path, attribute, keyword, DryRunReport.Action.REMOVE, "public attribute with UN VR", "");
            } else {
                transformPublic(attribute, out, path, keyword, run, charset);
            }
        }
        return out;
    }

    private void transformMeta(Attribute attribute, AttributeList out, String path, String keyword, Run run) {
        AttributeTag tag = attribute.getTag();
        if (tag.equals(TagFromName.MediaStorageSOPInstanceUID)) {
            out.put(mapUids(attribute, path, keyword, "U", run));
        } else if (KEPT_META.contains(tag)) {
            out.put(attribute);
            run.report(path, attribute, keyword, DryRunReport.Action.KEEP, "file meta information", () -> display(attribute));
        } else {
            // Source AE titles and private meta information say where the file came from.
            run.report(path, attribute, keyword, DryRunReport.Action.REMOVE, "file meta information", "");
        }
    }

    private void transformPrivate(AttributeList in, Attribute attribute, AttributeList out, String path, Run run,
            SpecificCharacterSet charset) {
        AttributeTag tag = attribute.getTag();
        int group = tag.getGroup();
        int element = tag.getElement();
        if (tag.isPrivate() && element >= 0x0010 && element <= 0x00FF) {
            // Private creator: kept only while its block still holds an allow-listed element (see below).
            String creator = singleString(attribute);
            boolean blockMayBeRetained = profile.safePrivate().stream()
                    .anyMatch(s -> s.group() == group && s.creator().equals(creator));
            if (blockMayBeRetained) {
                out.put(attribute);
                run.report(path, attribute, "PrivateCreator", DryRunReport.Action.KEEP, "private creator of a safe block",
                        () -> display(attribute));
            } else {
                run.report(path, attribute, "PrivateCreator", DryRunReport.Action.REMOVE, "private creator", "");
            }
            return;
        }
        String creator = tag.isPrivate() && element > 0x00FF ? in.getPrivateCreatorString(tag) : "";
        creator = creator == null ? "" : creator.trim();
        String label = creator.isEmpty() ? "Private" : creator;
        boolean safe = false;
        if (tag.isPrivate() && element > 0x00FF) {
            for (SafePrivateTag s : profile.safePrivate()) {
                if (s.group() == group && s.creator().equals(creator) && s.elementByte() == (element & 0xFF)) {
                    safe = true;
                    break;
                }
            }
        }
        if (!safe) {
            run.report(path, attribute, label, DryRunReport.Action.REMOVE, "private, not on the safe list", "");
            return;
        }
        if (attribute instanceof SequenceAttribute sequence) {
            run.report(path, attribute, label, DryRunReport.Action.KEEP, "safe private sequence", "");
            out.put(transformSequence(sequence, path, run, charset));
        } else {
            out.put(attribute);
            run.report(path, attribute, label, DryRunReport.Action.KEEP, "safe private", () -> display(attribute));
        }
    }

    private void transformPublic(Attribute attribute, AttributeList out, String path, String keyword, Run run,
            SpecificCharacterSet charset) {
        AttributeTag tag = attribute.getTag();
        boolean sequence = attribute instanceof SequenceAttribute;
        String vr = attribute.getVRAsString();
        Rule rule = ConfidentialityTable.standard().rule(tag);
        Action action;
        String reason;
        boolean shiftDates = false;
        boolean clean = false;
        if (rule == null) {
            reason = "not in Table E.1-1";
            if (sequence) {
                action = Action.RECURSE;
            } else if ("UI".equals(vr)) {
                action = definitionalUid(keyword) ? Action.KEEP : Action.MAP_UID;
                reason = definitionalUid(keyword) ? "class or scheme UID" : "UID";
            } else if ("PN".equals(vr)) {
                // Every person name identifies someone; names the table does not list do not get through either.
                action = Action.DUMMY;
                reason = "person name not in Table E.1-1";
            } else if ("DA".equals(vr) || "DT".equals(vr)) {
                // Temporal information the table does not list follows the same dates option as the listed.
                reason = "date not in Table E.1-1";
                action = switch (profile.dates()) {
                    case REMOVE -> Action.DUMMY;
                    case FULL -> Action.KEEP;
                    case SHIFTED -> Action.KEEP;
                };
                shiftDates = profile.dates() == Dates.SHIFTED;
            } else {
                action = Action.KEEP;
            }
        } else {
            action = rule.basicAction(sequence);
            reason = "basic " + rule.basic();
            Set<Option> options = rule.options();
            if (options.contains(Option.DATES) && profile.dates() != Dates.REMOVE) {
                action = sequence ? Action.RECURSE : Action.KEEP;
                shiftDates = profile.dates() == Dates.SHIFTED;
                reason = shiftDates ? "retain longitudinal, modified dates" : "retain longitudinal, full dates";
            }
            if (options.contains(Option.PATIENT) && profile.retainPatientCharacteristics()) {
                action = sequence ? Action.RECURSE : Action.KEEP;
                reason = "retain patient characteristics";
            }
            if (options.contains(Option.DEVICE) && profile.retainDeviceIdentity()) {
                action = sequence ? Action.RECURSE : Action.KEEP;
                reason = "retain device identity";
            }
            if (options.contains(Option.INSTITUTION) && profile.retainInstitutionIdentity()) {
                action = sequence ? Action.RECURSE : Action.KEEP;
                reason = "retain institution identity";
            }
            if (options.contains(Option.DESCRIPTORS) && profile.cleanDescriptors()) {
                action = sequence ? Action.RECURSE : Action.KEEP;
                clean = true;
                reason = "clean descriptors";
            }
        }
        if (sequence && action == Action.KEEP) {
            action = Action.RECURSE;
        }
        switch (action) {
            case REMOVE -> run.report(path, attribute, keyword, DryRunReport.Action.REMOVE, reason, "");
            case EMPTY -> {
                Attribute empty = sequence ? new SequenceAttribute(tag) : newAttribute(tag, attribute.getVR(), charset);
                out.put(empty);
                run.report(path, attribute, keyword, DryRunReport.Action.EMPTY, reason, "");
            }
            case DUMMY -> {
                if ("UI".equals(vr)) {
                    out.put(mapUids(attribute, path, keyword, reason, run));
                } else {
                    Attribute dummy = dummy(attribute, charset);
                    out.put(dummy);
                    run.report(path, attribute, keyword, dummy.getVL() == 0 ? DryRunReport.Action.EMPTY
                            : DryRunReport.Action.DUMMY, reason, () -> display(dummy));
                }
            }
            case MAP_UID -> out.put(mapUids(attribute, path, keyword, reason, run));
            case RECURSE -> {
                // Reported before its items, so that the report reads top-down.
                run.report(path, attribute, keyword, DryRunReport.Action.KEEP, reason + " (items processed)", "");
                out.put(transformSequence((SequenceAttribute) attribute, path, run, charset));
            }
            case KEEP -> keep(attribute, out, path, keyword, reason, shiftDates, clean, run, charset);
        }
    }

    private void keep(Attribute attribute, AttributeList out, String path, String keyword, String reason,
            boolean shiftDates, boolean clean, Run run, SpecificCharacterSet charset) {
        String vr = attribute.getVRAsString();
        if (shiftDates && ("DA".equals(vr) || "DT".equals(vr))) {
            Attribute shifted = shift(attribute, charset);
            out.put(shifted);
            if (run.recording) {
                run.report(path, attribute, keyword, shifted.getVL() == attribute.getVL() && display(shifted)
                        .equals(display(attribute)) ? DryRunReport.Action.KEEP : DryRunReport.Action.SHIFT_DATE,
                        reason + " (" + dateShiftDays + " days)", display(shifted));
            }
            return;
        }
        if (isText(vr)) {
            // Clean Descriptors, and a safety net for every kept text: a value that names this patient
            // (or the physicians, IDs, accession number of this dataset) does not leave, whatever the option.
            String value = joined(attribute);
            if (containsIdentifier(value, run)) {
                Attribute dummy = dummy(attribute, charset);
                out.put(dummy);
                run.report(path, attribute, keyword, DryRunReport.Action.DUMMY,
                        (clean ? reason : "kept attribute") + ": contains an identifier of this dataset",
                        display(dummy));
                return;
            }
        }
        out.put(attribute);
        run.report(path, attribute, keyword, DryRunReport.Action.KEEP, reason, () -> display(attribute));
    }

    private SequenceAttribute transformSequence(SequenceAttribute source, String path, Run run,
            SpecificCharacterSet charset) {
        SequenceAttribute copy = new SequenceAttribute(source.getTag());
        int index = 0;
        for (SequenceItem item : iterable(source)) {
            copy.addItem(transform(item.getAttributeList(), path + "[" + index + "]/", run, charset));
            index++;
        }
        return copy;
    }

    private Attribute mapUids(Attribute attribute, String path, String keyword, String reason, Run run) {
        String[] values = strings(attribute);
        Attribute mapped = newAttribute(attribute.getTag(), ValueRepresentation.UI, null);
        boolean changed = false;
        for (String value : values) {
            String uid = UidMapper.stripPadding(value);
            String result = uid.isEmpty() || UidMapper.isStandardUid(uid) ? uid : uids.map(uid);
            changed |= !result.equals(uid);
            addValue(mapped, result);
        }
        run.report(path, attribute, keyword, changed ? DryRunReport.Action.MAP_UID : DryRunReport.Action.KEEP,
                changed ? reason : "well-known UID", () -> display(mapped));
        return mapped;
    }

    private static boolean definitionalUid(String keyword) {
        return keyword.endsWith("ClassUID") || DEFINITIONAL_UID_KEYWORDS.contains(keyword);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Attributes set from the study

    private void setStudyAttributes(AttributeList source, AttributeList out, Run run,
            SpecificCharacterSet datasetCharset) {
        ClinicalTrial trial = context.trial();
        run.source = source;
        SpecificCharacterSet charset = charsetFor(out, datasetCharset, run, context.studySubjectID(),
                trial.sponsorName(), trial.protocolID(), trial.protocolName(), trial.siteID(), trial.siteName());
        set(out, TagFromName.PatientID, patientPseudonym, run, charset);
        set(out, TagFromName.PatientName, patientPseudonym, run, charset);
        set(out, TagFromName.ClinicalTrialSponsorName, trial.sponsorName(), run, charset);
        set(out, TagFromName.ClinicalTrialProtocolID, trial.protocolID(), run, charset);
        set(out, TagFromName.ClinicalTrialProtocolName, trial.protocolName(), run, charset);
        set(out, TagFromName.ClinicalTrialSiteID, trial.siteID(), run, charset);
        set(out, TagFromName.ClinicalTrialSiteName, trial.siteName(), run, charset);
        set(out, TagFromName.ClinicalTrialSubjectID, context.studySubjectID(), run, charset);
        set(out, TagFromName.PatientIdentityRemoved, "YES", run, charset);
        set(out, TagFromName.LongitudinalTemporalInformationModified, switch (profile.dates()) {
            case REMOVE -> "REMOVED";
            case FULL -> "UNMODIFIED";
            case SHIFTED -> "MODIFIED";
        }, run, charset);
        List<String[]> methods = methods();
        SequenceAttribute codes = new SequenceAttribute(TagFromName.DeidentificationMethodCodeSequence);
        for (String[] method : methods) {
            AttributeList item = new AttributeList();
            putString(item, TagFromName.CodeValue, method[0], charset);
            putString(item, TagFromName.CodingSchemeDesignator, DCM, charset);
            putString(item, TagFromName.CodeMeaning, method[1], charset);
            codes.addItem(item);
        }
        Attribute methodAttribute = newAttribute(TagFromName.DeidentificationMethod, ValueRepresentation.LO, charset);
        for (String[] method : methods) {
            addValue(methodAttribute, method[1].length() > 64 ? method[1].substring(0, 64) : method[1]);
        }
        out.put(methodAttribute);
        run.entries.add(new DryRunReport.Entry(keyword(TagFromName.DeidentificationMethod),
                tagText(TagFromName.DeidentificationMethod), keyword(TagFromName.DeidentificationMethod),
                DryRunReport.Action.SET, "options applied", "", display(methodAttribute)));
        out.put(codes);
        run.entries.add(new DryRunReport.Entry(keyword(TagFromName.DeidentificationMethodCodeSequence),
                tagText(TagFromName.DeidentificationMethodCodeSequence),
                keyword(TagFromName.DeidentificationMethodCodeSequence), DryRunReport.Action.SET, "options applied",
                "", methods.stream().map(m -> m[0]).toList().toString()));
    }

    /** CID 7050 codes of exactly what this profile applies. */
    List<String[]> methods() {
        List<String[]> methods = new ArrayList<>();
        methods.add(new String[] {"113100", "Basic Application Confidentiality Profile"});
        if (profile.cleanDescriptors()) {
            methods.add(new String[] {"113105", "Clean Descriptors Option"});
        }
        if (profile.dates() == Dates.FULL) {
            methods.add(new String[] {"113106", "Retain Longitudinal Temporal Information Full Dates Option"});
        }
        if (profile.dates() == Dates.SHIFTED) {
            methods.add(new String[] {"113107", "Retain Longitudinal Temporal Information Modified Dates Option"});
        }
        if (profile.retainPatientCharacteristics()) {
            methods.add(new String[] {"113108", "Retain Patient Characteristics Option"});
        }
        if (profile.retainDeviceIdentity()) {
            methods.add(new String[] {"113109", "Retain Device Identity Option"});
        }
        if (profile.retainSafePrivate()) {
            methods.add(new String[] {"113111", "Retain Safe Private Option"});
        }
        if (profile.retainInstitutionIdentity()) {
            methods.add(new String[] {"113112", "Retain Institution Identity Option"});
        }
        return methods;
    }

    private void set(AttributeList out, AttributeTag tag, String value, Run run, SpecificCharacterSet charset) {
        String text = value == null ? "" : value.trim();
        Attribute previous = run.source.get(tag);
        Attribute attribute = putString(out, tag, text, charset);
        if (!text.isEmpty()) {
            requireEncodable(text, charset, tag, run);
        }
        // One line per attribute in the report: the value set replaces whatever the table did to it.
        String path = keyword(tag);
        run.entries.removeIf(e -> e.path().equals(path));
        run.entries.add(new DryRunReport.Entry(keyword(tag), tagText(tag), keyword(tag), DryRunReport.Action.SET,
                "from the study", previous == null ? "" : display(previous), display(attribute)));
    }

    /**
     * The character set for the values this class writes. A dataset in the default repertoire whose study
     * values are not ASCII (a site name with an umlaut) is declared UTF-8 (ISO_IR 192), which leaves every
     * ASCII value byte-identical; any other character set that cannot hold the values is refused.
     */
    private static SpecificCharacterSet charsetFor(AttributeList out, SpecificCharacterSet charset, Run run,
            String... values) {
        boolean encodable = true;
        for (String value : values) {
            encodable &= value == null || encodable(value.trim(), charset);
        }
        String declared = String.join("\\", strings(out.get(TagFromName.SpecificCharacterSet))).trim();
        if (encodable || !(declared.isEmpty() || declared.equals("ISO_IR 6"))) {
            return charset;
        }
        if (!allAscii(out)) {
            throw run.fail("study values need a character set beyond ASCII, and the dataset has non-ASCII text"
                    + " without declaring a character set");
        }
        SpecificCharacterSet utf8 = new SpecificCharacterSet(new String[] {"ISO_IR 192"});
        Attribute declaration = newAttribute(TagFromName.SpecificCharacterSet, ValueRepresentation.CS, null);
        addValue(declaration, "ISO_IR 192");
        out.put(declaration);
        run.entries.add(new DryRunReport.Entry(keyword(TagFromName.SpecificCharacterSet),
                tagText(TagFromName.SpecificCharacterSet), keyword(TagFromName.SpecificCharacterSet),
                DryRunReport.Action.SET, "study values need UTF-8", declared, "ISO_IR 192"));
        return utf8;
    }

    private static boolean encodable(String text, SpecificCharacterSet charset) {
        if (asciiInEveryCharacterSet(text)) {
            return true;
        }
        try {
            byte[] bytes = charset.translateStringToByteArray(text);
            return text.equals(charset.translateByteArrayToString(bytes, 0, bytes.length));
        } catch (UnsupportedEncodingException e) {
            return false;
        }
    }

    /**
     * Printable ASCII without {@code \} and {@code ~} is written with the same bytes in every DICOM character set
     * (their G0 set is ASCII, or JIS X 0201 Roman, which differs only there), so it needs no round trip through
     * PixelMed's conversion, which is slow: it builds a debug dump of every value it decodes.
     */
    static boolean asciiInEveryCharacterSet(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7D || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static boolean allAscii(AttributeList list) {
        for (Attribute attribute : list.values()) {
            if (attribute instanceof SequenceAttribute sequence) {
                for (SequenceItem item : iterable(sequence)) {
                    if (!allAscii(item.getAttributeList())) {
                        return false;
                    }
                }
            } else if (attribute instanceof com.pixelmed.dicom.StringAttribute) {
                if (!joined(attribute).chars().allMatch(c -> c < 0x80)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void requireEncodable(String text, SpecificCharacterSet charset, AttributeTag tag, Run run) {
        if (asciiInEveryCharacterSet(text)) {
            return;
        }
        try {
            byte[] bytes = charset.translateStringToByteArray(text);
            if (!text.equals(charset.translateByteArrayToString(bytes, 0, bytes.length))) {
                throw run.fail(keyword(tag) + " value '" + text + "' cannot be written in the dataset's character set "
                        + charset.getValueToUseInSpecificCharacterSetAttribute());
            }
        } catch (UnsupportedEncodingException e) {
            throw run.fail("character set " + charset + " is not supported: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Values

    private Attribute shift(Attribute attribute, SpecificCharacterSet charset) {
        Attribute shifted = newAttribute(attribute.getTag(), attribute.getVR(), charset);
        boolean dateTime = "DT".equals(attribute.getVRAsString());
        for (String value : strings(attribute)) {
            String v = value.trim();
            if (v.isEmpty()) {
                addValue(shifted, v);
                continue;
            }
            try {
                if (v.length() < 8) {
                    throw new DateTimeParseException("partial date", v, 0);
                }
                LocalDate date = LocalDate.parse(v.substring(0, 8), DA).plusDays(dateShiftDays);
                addValue(shifted, date.format(DA) + (dateTime ? v.substring(8) : ""));
            } catch (DateTimeParseException e) {
                // A value that cannot be shifted cannot be kept either: it would be the true date.
                addValue(shifted, dateTime ? "19000101000000" : "19000101");
            }
        }
        return shifted;
    }

    private static Attribute dummy(Attribute attribute, SpecificCharacterSet charset) {
        String vr = attribute.getVRAsString();
        String value = switch (vr) {
            case "DA" -> "19000101";
            case "DT" -> "19000101000000";
            case "TM" -> "000000";
            case "AS" -> "000D";
            case "IS", "DS" -> "0";
            case "AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UT" -> "ANONYMIZED";
            default -> null;
        };
        Attribute dummy = newAttribute(attribute.getTag(), attribute.getVR(), charset);
        if (value != null) {
            addValue(dummy, value);
        }
        return dummy;
    }

    private static boolean isText(String vr) {
        return switch (vr) {
            case "LO", "LT", "PN", "SH", "ST", "UC", "UT" -> true;
            default -> false;
        };
    }

    private static boolean containsIdentifier(String value, Run run) {
        if (value.isEmpty()) {
            return false;
        }
        for (Pattern identifier : run.identifiers) {
            if (identifier.matcher(value).find()) {
                return true;
            }
        }
        return false;
    }

    /** Words that identify this dataset's patient or staff, as found in its top level; three characters at least. */
    private static Set<String> identifierWords(AttributeList source) {
        Set<String> words = new LinkedHashSet<>();
        AttributeTag[] names = {TagFromName.PatientName, TagFromName.OtherPatientNames, PATIENT_BIRTH_NAME,
                TagFromName.PatientMotherBirthName, TagFromName.ReferringPhysicianName,
                TagFromName.PerformingPhysicianName, TagFromName.NameOfPhysiciansReadingStudy,
                TagFromName.OperatorsName, TagFromName.PhysiciansOfRecord, TagFromName.RequestingPhysician};
        for (AttributeTag tag : names) {
            for (String value : strings(source.get(tag))) {
                for (String word : NAME_SEPARATORS.split(value)) {
                    words.add(word);
                }
            }
        }
        AttributeTag[] ids = {TagFromName.PatientID, TagFromName.OtherPatientIDs, TagFromName.AccessionNumber,
                TagFromName.PatientBirthDate, TagFromName.MedicalRecordLocator, TagFromName.AdmissionID};
        for (AttributeTag tag : ids) {
            for (String value : strings(source.get(tag))) {
                words.add(value.trim());
                // Identifiers get re-punctuated in free text ("HNC-0522" as "HNC0522"): their parts count too.
                words.addAll(Arrays.asList(NOT_LETTER_OR_DIGIT.split(value.trim())));
                words.add(NOT_LETTER_OR_DIGIT.matcher(value.trim()).replaceAll(""));
            }
        }
        String birthDate = singleString(source.get(TagFromName.PatientBirthDate));
        if (EIGHT_DIGITS.matcher(birthDate).matches()) {
            // The birth date as people write it in free text, not only as DICOM encodes it.
            String y = birthDate.substring(0, 4);
            String m = birthDate.substring(4, 6);
            String d = birthDate.substring(6, 8);
            words.addAll(List.of(y + "-" + m + "-" + d, d + "." + m + "." + y, d + "/" + m + "/" + y,
                    m + "/" + d + "/" + y));
        }
        return words;
    }

    /**
     * The words' patterns, compiled once per set of words: every instance of a series names the same patient, and
     * compiling them per file cost more than the rest of the header's transformation.
     */
    private List<Pattern> identifierPatterns(Set<String> words) {
        IdentifierPatterns cached = lastIdentifiers;
        if (cached != null && cached.words().equals(words)) {
            return cached.patterns();
        }
        List<Pattern> patterns = compile(words);
        lastIdentifiers = new IdentifierPatterns(words, patterns);
        return patterns;
    }

    private record IdentifierPatterns(Set<String> words, List<Pattern> patterns) {
    }

    private static List<Pattern> compile(Set<String> words) {
        List<Pattern> patterns = new ArrayList<>();
        for (String word : words) {
            int length = word.codePointCount(0, word.length());
            if (IDEOGRAPHIC.matcher(word).find()) {
                // CJK names have one- or two-character components and are written without spaces between words.
                if (length >= 2) {
                    patterns.add(Pattern.compile(Pattern.quote(word)));
                }
            } else if (length >= 3) {
                patterns.add(Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(word) + "(?![\\p{L}\\p{N}])",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            }
        }
        return patterns;
    }

    /** Rejects values that cannot be what their VR says (e.g. IS "1A"): such a file is corrupt, not pseudonymizable. */
    private static void validate(Attribute attribute, String path, Run run) {
        String vr = attribute.getVRAsString();
        Pattern grammar = "IS".equals(vr) ? IS_VALUE : "DS".equals(vr) ? DS_VALUE : null;
        if (grammar == null) {
            return;
        }
        for (String value : original(attribute)) {
            String v = value.trim();
            if (!v.isEmpty() && !grammar.matcher(v).matches()) {
                throw run.fail("invalid " + vr + " value '" + v + "' in " + path + " " + tagText(attribute.getTag()));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // PixelMed plumbing

    private static Attribute newAttribute(AttributeTag tag, byte[] vr, SpecificCharacterSet charset) {
        try {
            return charset == null ? AttributeFactory.newAttribute(tag, vr)
                    : AttributeFactory.newAttribute(tag, vr, charset);
        } catch (DicomException e) {
            throw new IllegalStateException("cannot create " + tagText(tag) + ": " + e.getMessage(), e);
        }
    }

    private static Attribute putString(AttributeList list, AttributeTag tag, String value,
            SpecificCharacterSet charset) {
        byte[] vr = DICTIONARY.getValueRepresentationFromTag(tag);
        Attribute attribute = newAttribute(tag, vr, charset);
        if (value != null && !value.isEmpty()) {
            addValue(attribute, value);
        }
        list.put(attribute);
        return attribute;
    }

    private static void addValue(Attribute attribute, String value) {
        try {
            attribute.addValue(value);
        } catch (DicomException e) {
            throw new IllegalStateException("cannot set " + tagText(attribute.getTag()) + ": " + e.getMessage(), e);
        }
    }

    private static String[] strings(Attribute attribute) {
        if (attribute == null) {
            return new String[0];
        }
        try {
            String[] values = attribute.getStringValues();
            return values == null ? new String[0] : values;
        } catch (DicomException e) {
            return new String[0];
        }
    }

    private static String[] original(Attribute attribute) {
        try {
            String[] values = attribute.getOriginalStringValues();
            return values == null ? new String[0] : values;
        } catch (DicomException e) {
            return new String[0];
        }
    }

    private static String singleString(Attribute attribute) {
        String[] values = strings(attribute);
        return values.length == 0 ? "" : values[0].trim();
    }

    private static String joined(Attribute attribute) {
        return String.join("\\", strings(attribute));
    }

    private static Iterable<SequenceItem> iterable(SequenceAttribute sequence) {
        return sequence::iterator;
    }

    static String display(Attribute attribute) {
        if (attribute == null) {
            return "";
        }
        if (attribute instanceof SequenceAttribute sequence) {
            return sequence.getNumberOfItems() + " item(s)";
        }
        String vr = attribute.getVRAsString();
        if (vr.startsWith("O") || "UN".equals(vr) || attribute instanceof UnknownAttribute) {
            return "<" + attribute.getVL() + " bytes>";
        }
        return joined(attribute);
    }

    static String keyword(AttributeTag tag) {
        String name = DICTIONARY.getNameFromTag(tag);
        return name == null ? tagText(tag) : name;
    }

    static String tagText(AttributeTag tag) {
        // Not String.format: this names every private attribute of every file.
        return "(" + hex4(tag.getGroup()) + "," + hex4(tag.getElement()) + ")";
    }

    private static String hex4(int value) {
        String hex = Integer.toHexString(value & 0xFFFF).toUpperCase(Locale.ROOT);
        return "0000".substring(hex.length()) + hex;
    }
}
