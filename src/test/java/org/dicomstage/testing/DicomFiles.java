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

    public static String sop(AttributeList list) {
        return Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID);
    }
}
