package org.dicomstage.dicom;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

import org.dicomstage.testing.SharedData;

/** Helpers shared by the DIMSE and embedded archive tests. */
final class Fixtures {

    static final String RT_PATIENT = SharedData.RT_PATIENT_ID;
    static final String RT_STUDY = SharedData.RT_STUDY_UID;
    static final String RT_CT_SERIES = SharedData.RT_CT_SERIES_UID;

    private Fixtures() {
    }

    /** SOP instance UID → file of every file in the RT fixture set. */
    static Map<String, Path> rtFiles() throws Exception {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(SharedData.rtSet())) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".dcm")).toList()) {
                files.put(Dimse.string(EmbeddedArchive.readHeader(p), TagFromName.SOPInstanceUID), p);
            }
        }
        return files;
    }

    static String sopInstanceUID(Path file) throws Exception {
        AttributeList header = EmbeddedArchive.readHeader(file);
        return Dimse.string(header, TagFromName.SOPInstanceUID);
    }

    static DicomNodeConfig dimse(String name, String ae, int port, DicomNodeConfig.RetrieveMethod retrieve, int maxAssociations) {
        return new DicomNodeConfig(name, DicomNodeConfig.Kind.DIMSE, ae, "127.0.0.1", port, "DICOMSTAGE", retrieve,
                "DICOMSTAGE", null, null, Duration.ofSeconds(5), Duration.ofSeconds(30), maxAssociations);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static long countFiles(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".dcm")).count();
        }
    }
}
