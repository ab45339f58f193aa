package org.dicomstage.staging;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;
import org.dicomstage.dicom.PixelDataDigest;

/**
 * What a copy of an instance must keep: a SHA-256 of its dataset's values (every attribute but the file meta group
 * and group lengths, sequences item by item) and one of its Pixel Data as encoded. Independent of how the archive
 * wrote the file (preamble, file meta, explicit or implicit VR), so a copy that a node stored in its own way still
 * compares equal, and any changed value does not.
 */
record InstanceDigest(String sopInstanceUID, String dataset, String pixelData) {

    private static final int FILE_META_GROUP = 0x0002;

    static InstanceDigest of(Path part10File) {
        AttributeList header = new AttributeList();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(part10File));
             DicomInputStream dicom = new DicomInputStream(in)) {
            header.read(dicom, TagFromName.PixelData);
        } catch (IOException | DicomException e) {
            throw new IllegalArgumentException("cannot read " + part10File.getFileName() + ": " + e.getMessage(), e);
        }
        MessageDigest digest = sha256();
        update(digest, header);
        return new InstanceDigest(Attribute.getSingleStringValueOrEmptyString(header, TagFromName.SOPInstanceUID),
                HexFormat.of().formatHex(digest.digest()), PixelDataDigest.sha256(part10File));
    }

    private static void update(MessageDigest digest, AttributeList list) {
        for (Attribute a : list.values()) {
            if (a.getGroup() == FILE_META_GROUP || a.getElement() == 0x0000 || a.getTag().equals(TagFromName.PixelData)) {
                continue;
            }
            digest.update((a.getTag() + ValueRepresentation.getAsString(a.getVR())).getBytes(StandardCharsets.UTF_8));
            if (a instanceof SequenceAttribute s) {
                for (int i = 0; i < s.getNumberOfItems(); i++) {
                    digest.update((byte) '{');
                    update(digest, s.getItem(i).getAttributeList());
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
