package org.dicomstage.dicom;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

/**
 * Manual loopback benchmark, not a test: synthetic 512x512 16-bit CT slices, C-STORE from a DimseNode
 * into an embedded archive, then C-GET and C-MOVE back, then a C-GET → C-STORE copy into a second
 * embedded archive. Run after {@code mvn test-compile}:
 * {@code java -cp target/classes:target/test-classes:<dependency classpath> org.dicomstage.dicom.DimseThroughput 300}
 */
public final class DimseThroughput {

    private DimseThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path work = Files.createTempDirectory("dimse-throughput-");
        try {
            String study = uid();
            String series = uid();
            List<Path> files = generate(work.resolve("source"), count, study, series);
            long bytes = 0;
            for (Path f : files) {
                bytes += Files.size(f);
            }
            System.out.printf("%d synthetic CT instances, %.1f MB%n", count, bytes / 1e6);
            try (EmbeddedArchive source = new EmbeddedArchive("SOURCE", work.resolve("a"), 0, 4);
                    EmbeddedArchive target = new EmbeddedArchive("TARGET", work.resolve("b"), 0, 4);
                    MoveReceiver receiver = new MoveReceiver("DICOMSTAGE", InetAddress.getLoopbackAddress(), 0,
                            work.resolve("move"), 4, Duration.ofMinutes(1))) {
                source.start();
                target.start();
                receiver.start();
                source.addMoveDestination("DICOMSTAGE", "127.0.0.1", receiver.port());
                DimseNode sourceByGet = node("source", source, DicomNodeConfig.RetrieveMethod.C_GET, null);
                DimseNode sourceByMove = node("source", source, DicomNodeConfig.RetrieveMethod.C_MOVE, receiver);
                DimseNode targetNode = node("target", target, DicomNodeConfig.RetrieveMethod.C_GET, null);

                long t0 = System.nanoTime();
                try (DicomNode.StoreSession session = sourceByGet.openStoreSession()) {
                    for (Path f : files) {
                        session.store(f);
                    }
                }
                report("C-STORE DimseNode -> embedded", count, t0);

                t0 = System.nanoTime();
                int got = sourceByGet.retrieveSeries(study, series, f -> { });
                report("C-GET embedded -> DimseNode", got, t0);

                t0 = System.nanoTime();
                int moved = sourceByMove.retrieveSeries(study, series, f -> { });
                report("C-MOVE embedded -> MoveReceiver", moved, t0);

                t0 = System.nanoTime();
                int copied;
                try (DicomNode.StoreSession session = targetNode.openStoreSession()) {
                    copied = sourceByGet.retrieveSeries(study, series, session::store);
                }
                report("C-GET embedded -> C-STORE embedded (copy)", copied, t0);
                if (target.size() != count) {
                    throw new IllegalStateException("target holds " + target.size() + " of " + count);
                }
            }
        } finally {
            DimseNode.deleteTree(work);
        }
    }

    private static DimseNode node(String name, EmbeddedArchive archive, DicomNodeConfig.RetrieveMethod retrieve, MoveReceiver receiver) {
        return new DimseNode(new DicomNodeConfig(name, DicomNodeConfig.Kind.DIMSE, archive.aeTitle(), "127.0.0.1", archive.port(),
                "DICOMSTAGE", retrieve, "DICOMSTAGE", null, null, Duration.ofSeconds(5), Duration.ofSeconds(60), 4), receiver);
    }

    private static void report(String what, int instances, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%-45s %4d instances in %6.2f s = %6.1f instances/s%n", what, instances, seconds, instances / seconds);
    }

    private static String uid() {
        return "2.25." + new BigInteger(UUID.randomUUID().toString().replace("-", ""), 16);
    }

    private static List<Path> generate(Path directory, int count, String study, String series) throws Exception {
        Files.createDirectories(directory);
        short[] pixels = new short[512 * 512];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (short) ((i * 7) & 0x0fff);
        }
        List<Path> files = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            AttributeList list = new AttributeList();
            Dimse.put(list, TagFromName.SOPClassUID, SOPClass.CTImageStorage);
            Dimse.put(list, TagFromName.SOPInstanceUID, uid());
            Dimse.put(list, TagFromName.StudyInstanceUID, study);
            Dimse.put(list, TagFromName.SeriesInstanceUID, series);
            Dimse.put(list, TagFromName.PatientID, "THROUGHPUT");
            Dimse.put(list, TagFromName.PatientName, "Throughput^Test");
            Dimse.put(list, TagFromName.Modality, "CT");
            Dimse.put(list, TagFromName.InstanceNumber, Integer.toString(n));
            Dimse.put(list, TagFromName.Rows, "512");
            Dimse.put(list, TagFromName.Columns, "512");
            Dimse.put(list, TagFromName.BitsAllocated, "16");
            Dimse.put(list, TagFromName.BitsStored, "12");
            Dimse.put(list, TagFromName.HighBit, "11");
            Dimse.put(list, TagFromName.PixelRepresentation, "0");
            Dimse.put(list, TagFromName.SamplesPerPixel, "1");
            Dimse.put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
            Attribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
            pixelData.setValues(pixels);
            list.put(pixelData);
            FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "GENERATOR");
            Path file = directory.resolve(n + ".dcm");
            list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
            files.add(file);
        }
        return files;
    }
}
