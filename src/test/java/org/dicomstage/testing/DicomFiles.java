package org.dicomstage.testing;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading a DICOM file in a test the way the product reads it. */
public final class DicomFiles {

    private DicomFiles() {
    }

    /** The whole file; compressed pixel data stays encapsulated, as the product never decodes it. */
    public static AttributeList read(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                DicomInputStream dicom = new DicomInputStream(in)) {
            list.read(dicom);
        }
        return list;
    }

    /**
     * Writes {@code to} as a Part-10 file (explicit VR little endian) holding {@code from}'s dataset as changed by
     * {@code change}: test variants of real fixtures (a burned-in annotation flag, another manufacturer).
     */
    public static void rewrite(Path from, Path to, java.util.function.Consumer<AttributeList> change)
            throws Exception {
        AttributeList list = read(from);
        change.accept(list);
        list.removeGroupLengthAttributes();
        list.removeMetaInformationHeaderAttributes();
        com.pixelmed.dicom.FileMetaInformation.addFileMetaInformation(list,
                com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, "TEST");
        Files.createDirectories(to.toAbsolutePath().getParent());
        list.write(to.toFile(), com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, true, true);
    }

    /** Sets a string attribute by its DICOM keyword, in the dictionary's VR. */
    public static void set(AttributeList list, String keyword, String value) {
        try {
            com.pixelmed.dicom.AttributeTag tag = AttributeList.getDictionary().getTagFromName(keyword);
            Attribute attribute = com.pixelmed.dicom.AttributeFactory.newAttribute(tag,
                    AttributeList.getDictionary().getValueRepresentationFromTag(tag));
            attribute.addValue(value);
            list.put(attribute);
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new IllegalArgumentException(keyword + ": " + e.getMessage(), e);
        }
    }

    public static String sop(AttributeList list) {
        return Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID);
    }
}
