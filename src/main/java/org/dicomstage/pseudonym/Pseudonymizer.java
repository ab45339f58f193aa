package org.dicomstage.pseudonym;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.dicom.PixelDataDigest;
import org.dicomstage.dicom.SplicedInstance;
import org.dicomstage.pseudonym.PseudonymizationProfile.Dates;
import org.dicomstage.pseudonym.PseudonymizationProfile.PatientIdentity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Consumer;

/**
 * Pseudonymizes datasets for one study subject under one profile: PS3.15 Annex E Basic Profile with the
 * profile's options, applied at every depth; keyed UID mapping; patient pseudonym and clinical trial
 * attributes; private attributes removed unless allow-listed. Pixel data is never decoded or re-encoded, except
 * where a {@link PixelRules pixel rule} masks it; objects a rule refuses fail, naming the rule.
 * Thread-safe: one instance can serve many files in parallel.
 *
 * <p>The entry points; the work is in {@link InstanceFiles} (files and pixel bytes), {@link DatasetTransformer}
 * (the walk), {@link ProfileRules} (table and options), {@link AttributeActions} (values), {@link TextCleaner}
 * (kept text) and {@link StudyAttributes} (what the study sets).
 */
public final class Pseudonymizer {

    private final PseudonymizationProfile profile;
    private final String patientPseudonym;
    private final int dateShiftDays;
    private final DatasetTransformer transformer;
    private final StudyAttributes studyAttributes;
    private final List<String> missingTrial;
    private final Set<String> unknownRemoved = new ConcurrentSkipListSet<>();

    public Pseudonymizer(PseudonymizationProfile profile, PseudonymContext context) {
        this.profile = Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(context, "context");
        UidMapper uids = new UidMapper(context.studySecret());
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
        ProfileRules rules = profile.rules();
        this.studyAttributes = new StudyAttributes(profile, rules, context, patientPseudonym);
        this.transformer = new DatasetTransformer(profile, rules,
                new AttributeActions(uids, dateShiftDays, rules.timezoneKept()), studyAttributes);
        this.missingTrial = context.trial().missingType1();
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

    /**
     * Returns a new, pseudonymized list; the source list and its attributes are not modified. An object the pixel
     * rules mask is refused here: masking works on files ({@link #pseudonymize(Path, Path)}).
     */
    public AttributeList pseudonymize(AttributeList source) {
        return pseudonymize(source, report -> { });
    }

    /** As {@link #pseudonymize(AttributeList)}, handing {@code reports} what the reviewer must see of the copy. */
    public AttributeList pseudonymize(AttributeList source, Consumer<InstanceReport> reports) {
        unmaskedOrRefused(source, "dataset");
        return transformInstance(source, "dataset", reports);
    }

    public DryRunReport dryRun(AttributeList source) {
        unmaskedOrRefused(source, "dataset");
        DatasetTransformer.Result result = run(source, "dataset", true);
        return new DryRunReport(patientPseudonym, result.entries(), result.unknown());
    }

    /**
     * Public attributes removed so far, by any call on this instance, because neither Table E.1-1 nor the
     * dictionary says what they are (or their value arrived unreadable as UN): {@code (gggg,eeee)} and the keyword
     * where the table knows one. A profile keeps such an attribute by listing it in {@code keepUnknownAttributes}.
     */
    public SortedSet<String> unknownAttributesRemoved() {
        return new TreeSet<>(unknownRemoved);
    }

    /** The PS3.15 edition whose Table E.1-1 this pseudonymizer applies, e.g. {@code 2024b}. */
    public static String standardEdition() {
        return ConfidentialityTable.standard().edition();
    }

    /**
     * Reads a Part-10 file or a raw dataset, pseudonymizes it and writes a Part-10 file in the same transfer
     * syntax. The output appears atomically; on any failure no output file is left. Native pixel data at the end
     * of the file is copied by the kernel from the input's own bytes behind a header checked to end exactly where
     * they begin ({@link #prepare}); any other pixel data is encoded in memory and compared byte for byte with the
     * input's before anything is written.
     */
    public void pseudonymize(Path in, Path out) {
        pseudonymize(in, out, InstanceFiles.Placement.REPLACE_ATOMICALLY);
    }

    /**
     * As {@link #pseudonymize(Path, Path)}, into a file that must not exist yet and that nobody reads before the
     * caller is done: created under its own name, deleted again on failure, without a rename.
     */
    void pseudonymizeToNewFile(Path in, Path out) {
        pseudonymize(in, out, InstanceFiles.Placement.CREATE_NEW);
    }

    private void pseudonymize(Path in, Path out, InstanceFiles.Placement placement) {
        SplicedInstance spliced = prepare(in);
        if (spliced == null) {
            pseudonymizeInFull(in, out, report -> { }, placement);
            return;
        }
        InstanceFiles.place(in, out, placement, spliced::writeTo);
    }

    /**
     * The general path of {@link #pseudonymize(Path, Path)}, for a file {@link #prepare} returned {@code null} for
     * (encapsulated, deflated, padded): reads the whole file, and checks the written pixel data byte for byte.
     */
    public void pseudonymizeInFull(Path in, Path out) {
        pseudonymizeInFull(in, out, report -> { });
    }

    /** As {@link #pseudonymizeInFull(Path, Path)}, handing {@code reports} what the reviewer must see of the copy. */
    public void pseudonymizeInFull(Path in, Path out, Consumer<InstanceReport> reports) {
        pseudonymizeInFull(in, out, reports, InstanceFiles.Placement.REPLACE_ATOMICALLY);
    }

    private void pseudonymizeInFull(Path in, Path out, Consumer<InstanceReport> reports,
            InstanceFiles.Placement placement) {
        InstanceFiles.Source source = InstanceFiles.read(in, true);
        String name = in.toString();
        PixelRules.Decision pixels = pixelDecision(source.list(), name);
        AttributeList output = transformInstance(source.list(), name, reports);
        if (pixels.action() != PixelRules.Action.MASK) {
            InstanceFiles.write(source, output, in, out, placement);
            return;
        }
        PixelMask.apply(in, pixels.rule(), name).forEach(output::put);
        studyAttributes.declarePixelsCleaned(output);
        InstanceFiles.writeMasked(source, output, in, out, placement);
    }

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
        return prepare(in, report -> { });
    }

    /**
     * As {@link #prepare(Path)}, handing {@code reports} what the reviewer must see of the copy (only when the file
     * took this path, that is when the result is not {@code null}).
     */
    public SplicedInstance prepare(Path in, Consumer<InstanceReport> reports) {
        // A masked object's pixels must be rewritten: it takes the general path, which reads them.
        return InstanceFiles.splice(in, (header, name) -> pixelDecision(header, name).action()
                == PixelRules.Action.MASK ? null : transformInstance(header, name, reports));
    }

    /** Reads a file the way {@link #pseudonymize(Path, Path)} does, with compressed pixel data kept encapsulated. */
    public DryRunReport dryRun(Path in) {
        InstanceFiles.Source source = InstanceFiles.read(in, false);
        String name = in.toString();
        PixelRules.Decision pixels = pixelDecision(source.list(), name);
        requireTrial(name);
        DatasetTransformer.Result result = run(source.list(), name, true);
        List<DryRunReport.Entry> entries = new ArrayList<>(result.entries());
        if (pixels.action() == PixelRules.Action.MASK) {
            entries.add(new DryRunReport.Entry("PixelData", "(7FE0,0010)", "PixelData",
                    DryRunReport.Action.MASK_PIXELS, "pixel rule '" + pixels.rule().name() + "'", "",
                    pixels.rule().rectangles().toString()));
        }
        return new DryRunReport(patientPseudonym, entries, result.unknown());
    }

    /**
     * The one place both file paths hand over an instance's header (pixel data not yet attached): whatever decides
     * per instance rather than per attribute belongs here.
     */
    private AttributeList transformInstance(AttributeList source, String name, Consumer<InstanceReport> reports) {
        requireTrial(name);
        DatasetTransformer.Result result = run(source, name, false);
        reports.accept(result.report());
        return result.output();
    }

    /** Sponsor and protocol ID are Type 1: without them every written file would be invalid. */
    private void requireTrial(String name) {
        if (!missingTrial.isEmpty()) {
            throw new PseudonymizationException(name + ": the study gives no " + String.join(" and ", missingTrial)
                    + ", which every pseudonymized object must carry (Type 1); nothing written");
        }
    }

    /** The pixel rules' decision for an object; a refusal throws, naming the object and the rule. */
    private PixelRules.Decision pixelDecision(AttributeList header, String name) {
        PixelRules.Decision decision = profile.pixelRules().decide(header);
        if (decision.action() == PixelRules.Action.REFUSE) {
            String sop = PixelRules.text(header, TagFromName.SOPInstanceUID);
            throw new PseudonymizationException(name + (sop.isEmpty() ? "" : " (SOP instance " + sop + ")")
                    + ": refused by pixel rule '" + decision.rule().name() + "' of profile " + profile.name()
                    + ": its pixel data may show identifying text");
        }
        return decision;
    }

    private void unmaskedOrRefused(AttributeList source, String name) {
        PixelRules.Decision decision = pixelDecision(source, name);
        if (decision.action() == PixelRules.Action.MASK) {
            throw new PseudonymizationException(name + ": pixel rule '" + decision.rule().name()
                    + "' masks pixel data, which works on files only");
        }
    }

    private DatasetTransformer.Result run(AttributeList source, String name, boolean recording) {
        DatasetTransformer.Result result = transformer.run(source, name, recording);
        unknownRemoved.addAll(result.unknown());
        return result;
    }
}
