package org.dicomstage.staging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;
import org.dicomstage.dicom.PixelDataDigest;

/**
 * What a copy of an instance must keep: a SHA-256 of its dataset's values (every attribute before Pixel Data but
 * the file meta group and group lengths, sequences item by item) and one of its Pixel Data as encoded. Independent
 * of how the archive wrote the file (preamble, file meta, explicit or implicit VR), so a copy that a node stored in
 * its own way still compares equal, and any changed value does not. Verification records it for each instance of a
 * verified copy ({@link VerifiedCopyStore}); publishing sends only instances that still match it.
 */
public record InstanceDigest(String sopInstanceUID, String dataset, String pixelData) {

    private static final int FILE_META_GROUP = 0x0002;

    /** Reads the file once: its Pixel Data located in its bytes, its header parsed from them. */
    static InstanceDigest of(Path part10File) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(part10File);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + part10File.getFileName() + ": " + e.getMessage(), e);
        }
        PixelDataDigest.PixelValue pixels = PixelDataDigest.locate(bytes, part10File.getFileName().toString());
        return of(SourceDigests.header(bytes, part10File), pixels == null ? null : pixels.sha256());
    }

    /**
     * @param dataset     the instance's dataset as read, up to Pixel Data or whole (what follows Pixel Data does not
     *                    count)
     * @param pixelDigest {@link PixelDataDigest}'s SHA-256 of its Pixel Data as encoded, null without
     */
    static InstanceDigest of(AttributeList dataset, String pixelDigest) {
        MessageDigest digest = sha256();
        update(digest, dataset, true);
        return new InstanceDigest(Attribute.getSingleStringValueOrEmptyString(dataset, TagFromName.SOPInstanceUID),
                HexFormat.of().formatHex(digest.digest()), pixelDigest);
    }

    /** Whether the other is the same instance with the same dataset values and the same Pixel Data. */
    boolean sameAs(InstanceDigest other) {
        return other != null && sopInstanceUID.equals(other.sopInstanceUID) && dataset.equals(other.dataset)
                && java.util.Objects.equals(pixelData, other.pixelData);
    }

    private static void update(MessageDigest digest, AttributeList list, boolean topLevel) {
        for (Attribute a : list.values()) {
            if (topLevel && a.getTag().compareTo(TagFromName.PixelData) >= 0) {
                break; // a list is sorted by tag: as if read up to Pixel Data
            }
            if (a.getGroup() == FILE_META_GROUP || a.getElement() == 0x0000 || a.getTag().equals(TagFromName.PixelData)) {
                continue;
            }
            digest.update((a.getTag() + ValueRepresentation.getAsString(a.getVR())).getBytes(StandardCharsets.UTF_8));
            if (a instanceof SequenceAttribute s) {
                for (int i = 0; i < s.getNumberOfItems(); i++) {
                    digest.update((byte) '{');
                    update(digest, s.getItem(i).getAttributeList(), false);
                    digest.update((byte) '}');
                }
                continue;
            }
            try {
                if (ValueRepresentation.isOtherByteOrWordVR(a.getVR()) || ValueRepresentation.isUnknownVR(a.getVR())) {
                    byte[] bytes = a.getByteValues();
                    if (bytes != null) {
                        digest.update(bytes);
                    }
                } else {
                    digest.update(String.join("\\", a.getStringValues() == null ? new String[0] : a.getStringValues())
                            .getBytes(StandardCharsets.UTF_8));
                }
            } catch (DicomException e) {
                digest.update(("unreadable " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
            }
            digest.update((byte) 0);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
