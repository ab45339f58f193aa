package org.dicomstage.staging;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.dicom.PixelDataDigest;
import org.dicomstage.pseudonym.PixelMask;
import org.dicomstage.pseudonym.PixelRules;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.pseudonym.UidMapper;

/**
 * Everything verification compares a copy with that only the source can tell: which instances the source listed,
 * the digest of each one's pixel data, and every identifier it carries. Recorded while staging, when the stager has
 * each source object in hand, so that verification reads only the copy back.
 *
 * @param instances   by the SOP Instance UID the copy carries (the source's, keyed)
 * @param identifiers what the source says about who the patient is (see {@link SeriesVerifier.Identifiers})
 */
public record SourceDigests(Map<String, Instance> instances, SeriesVerifier.Identifiers identifiers) {

    /** Identifier kinds as stored: whole values, name parts, instance UIDs. */
    static final String VALUE = "VALUE";
    static final String NAME_PART = "NAME";
    static final String UID = "UID";

    /**
     * One source instance.
     *
     * @param targetSopInstanceUID the SOP Instance UID its copy carries
     * @param listed               whether the source listed it (C-FIND) when the series was read
     * @param retrieved            whether the source delivered it; the other fields are null when it did not
     * @param pixelDigest          SHA-256 of its Pixel Data as encoded, or, when {@code maskRule} is set, of its
     *                             decoded pixels outside the rule's rectangles; null without pixel data
     * @param maskRule             the name of the pixel rule that masked it, or null
     * @param label                what the object is, in a reviewer's words ("RTPLAN 'APlan1'")
     */
    public record Instance(String targetSopInstanceUID, boolean listed, boolean retrieved, String pixelDigest,
                           String maskRule, String label) {
    }

    public SourceDigests {
        instances = Map.copyOf(instances);
    }

    /** The source instances' count as the source listed them. */
    int listedCount() {
        return (int) instances.values().stream().filter(Instance::listed).count();
    }

    /** Never the identifiers: a log line or an exception must not carry them. */
    @Override
    public String toString() {
        return "SourceDigests[" + instances.size() + " instances, " + (identifiers.values().size()
                + identifiers.nameParts().size() + identifiers.uids().size()) + " identifiers]";
    }

    /** Gathers the record instance by instance, from any number of threads. */
    static final class Collector {
        private final UidMapper uids;
        private final PseudonymizationProfile profile;
        private final Map<String, Instance> instances = new ConcurrentHashMap<>();
        private final SeriesVerifier.Identifiers identifiers = new SeriesVerifier.Identifiers(
                ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());

        Collector(UidMapper uids, PseudonymizationProfile profile) {
            this.uids = uids;
            this.profile = profile;
        }

        /** The instances the source lists for the series, by their source SOP Instance UIDs. */
        void listed(Collection<String> sourceSopInstanceUids) {
            for (String sop : sourceSopInstanceUids) {
                instances.merge(uids.map(sop), new Instance(uids.map(sop), true, false, null, null, null),
                        (had, listed) -> new Instance(had.targetSopInstanceUID(), true, had.retrieved(),
                                had.pixelDigest(), had.maskRule(), had.label()));
            }
        }

        /**
         * Reads one delivered source file.
         *
         * @throws IllegalArgumentException when the file is truncated or cannot be read
         */
        void retrieved(Path file) {
            byte[] bytes = readAll(file);
            // The digest first: it also rejects truncated files that PixelMed would half-read silently.
            PixelDataDigest.PixelValue pixels = PixelDataDigest.locate(bytes, file.getFileName().toString());
            ReadDataset dataset = ReadDataset.of(bytes, pixels, file);
            AttributeList source = dataset.list();
            PixelRules.Decision decision = profile.pixelRules().decide(source);
            String digest;
            String maskRule = null;
            if (decision.action() == PixelRules.Action.MASK) {
                // Masked on purpose: only the pixels outside the rule's rectangles must be the source's.
                digest = PixelMask.digestOutside(dataset.full(file), decision.rule());
                maskRule = decision.rule().name();
            } else {
                digest = pixels == null ? null : pixels.sha256();
            }
            SeriesVerifier.collectIdentifiers(source, identifiers, profile::keepsUid);
            String target = uids.map(Attribute.getSingleStringValueOrEmptyString(source, TagFromName.SOPInstanceUID));
            Instance read = new Instance(target, false, true, digest, maskRule, DanglingReferences.label(source));
            instances.merge(target, read, (had, now) -> new Instance(target, had.listed() || now.listed(), true,
                    now.pixelDigest(), now.maskRule(), now.label()));
        }

        SourceDigests result() {
            return new SourceDigests(new TreeMap<>(instances), new SeriesVerifier.Identifiers(
                    Set.copyOf(identifiers.values()), Set.copyOf(identifiers.nameParts()),
                    Set.copyOf(identifiers.uids())));
        }

        private static byte[] readAll(Path file) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(file.getFileName() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A delivered file's dataset, read only as far as needed: up to Pixel Data when that is the file's last element
     * (nothing after it can hold text, an identifier or a reference), else whole.
     *
     * @param headerOnly whether {@code list} stops before Pixel Data
     */
    record ReadDataset(AttributeList list, boolean headerOnly) {

        /** @param pixels where {@link PixelDataDigest#locate} found the Pixel Data in {@code bytes}, or null */
        static ReadDataset of(byte[] bytes, PixelDataDigest.PixelValue pixels, Path file) {
            boolean headerOnly = pixels == null || pixels.copyableVerbatim();
            return new ReadDataset(headerOnly ? header(bytes, file) : Datasets.read(file), headerOnly);
        }

        /** The whole dataset, Pixel Data included: the one read, or the file read again. */
        AttributeList full(Path file) {
            return headerOnly ? Datasets.read(file) : list;
        }
    }

    /** The elements of a file's bytes before its Pixel Data. */
    static AttributeList header(byte[] bytes, Path file) {
        AttributeList header = new AttributeList();
        try (DicomInputStream dicom = new DicomInputStream(new ByteArrayInputStream(bytes))) {
            header.read(dicom, TagFromName.PixelData);
            return header;
        } catch (IOException | DicomException e) {
            throw new IllegalArgumentException("cannot read " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }
}
