package org.dicomstage.staging;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;

/** Reads retrieved instances with compressed pixel data left encapsulated, as the pseudonymizer does. */
final class Datasets {

    private Datasets() {
    }

    static AttributeList read(Path file) {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try (InputStream stream = new BufferedInputStream(Files.newInputStream(file));
                DicomInputStream dicom = new DicomInputStream(stream)) {
            list.read(dicom);
            return list;
        } catch (IOException | DicomException e) {
            throw new IllegalArgumentException("cannot read " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }
}
