package org.dicomstage.dicom;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import com.pixelmed.dicom.StoredFilePathStrategy;

/**
 * For PixelMed's storage SCP: every received file gets a new name of our own in the receiving folder. PixelMed's
 * strategies build the path from the Affected SOP Instance UID the peer sends, so {@code ../} in it wrote outside.
 */
final class ReceiverNamedFiles extends StoredFilePathStrategy {

    @Override
    public File makeReliableStoredFilePathWithFoldersCreated(File folder, String sopInstanceUID) {
        try {
            return Files.createTempFile(folder.toPath(), "received-", ".dcm").toFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a file in " + folder + ": " + e.getMessage(), e);
        }
    }

    @Override
    public File makeReliableStoredFilePathWithFoldersCreated(File folder, String sopInstanceUID, String alternative) {
        return makeReliableStoredFilePathWithFoldersCreated(folder, sopInstanceUID);
    }

    @Override
    public File makeStoredFilePath(File folder, String sopInstanceUID) {
        return makeReliableStoredFilePathWithFoldersCreated(folder, sopInstanceUID);
    }

    @Override
    public String makeStoredFilePath(String sopInstanceUID) {
        throw new UnsupportedOperationException("received files are named by the receiver");
    }
}
