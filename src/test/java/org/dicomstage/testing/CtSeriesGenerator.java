package org.dicomstage.testing;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes one CT series of N instances, 512x512 16-bit (about 525 KB each, explicit VR little endian), quickly:
 * for benchmarks and bulk tests. The pixel pattern differs per slice so that pixel digests differ too.
 */
public final class CtSeriesGenerator {

    public static final int SIZE = 512;

    /** The series written: its UIDs and files, in slice order. */
    public record Series(String studyInstanceUid, String seriesInstanceUid, List<Path> files) {
    }

    private CtSeriesGenerator() {
    }

    public static Series write(Path directory, int instances) {
        return write(directory, instances, "CT^SYNTHETIC", "SYN-0001");
    }

    public static Series write(Path directory, int instances, String patientName, String patientId) {
        String study = newUid();
        String series = newUid();
        String frame = newUid();
        List<Path> files = new ArrayList<>(instances);
        try {
            Files.createDirectories(directory);
            short[] pixels = new short[SIZE * SIZE];
            for (int slice = 1; slice <= instances; slice++) {
                AttributeList list = new AttributeList();
                put(list, TagFromName.SOPClassUID, SOPClass.CTImageStorage);
                put(list, TagFromName.SOPInstanceUID, newUid());
                put(list, TagFromName.StudyInstanceUID, study);
                put(list, TagFromName.SeriesInstanceUID, series);
                put(list, TagFromName.FrameOfReferenceUID, frame);
                put(list, TagFromName.Modality, "CT");
                put(list, TagFromName.PatientName, patientName);
                put(list, TagFromName.PatientID, patientId);
                put(list, TagFromName.PatientBirthDate, "19600101");
                put(list, TagFromName.PatientSex, "O");
                put(list, TagFromName.StudyDate, "20240102");
                put(list, TagFromName.StudyTime, "101500");
                put(list, TagFromName.AccessionNumber, "ACC" + patientId);
                put(list, TagFromName.StudyID, "1");
                put(list, TagFromName.SeriesNumber, "1");
                put(list, TagFromName.InstanceNumber, Integer.toString(slice));
                put(list, TagFromName.ImagePositionPatient, "-250\\-250\\" + (slice * 2.5));
                put(list, TagFromName.ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
                put(list, TagFromName.SliceThickness, "2.5");
                put(list, TagFromName.PixelSpacing, "0.9765625\\0.9765625");
                put(list, TagFromName.RescaleIntercept, "-1024");
                put(list, TagFromName.RescaleSlope, "1");
                put(list, TagFromName.SamplesPerPixel, "1");
                put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
                put(list, TagFromName.Rows, Integer.toString(SIZE));
                put(list, TagFromName.Columns, Integer.toString(SIZE));
                put(list, TagFromName.BitsAllocated, "16");
                put(list, TagFromName.BitsStored, "12");
                put(list, TagFromName.HighBit, "11");
                put(list, TagFromName.PixelRepresentation, "0");
                fill(pixels, slice);
                OtherWordAttribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
                pixelData.setValues(pixels);
                list.put(pixelData);
                FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "CTGEN");
                Path file = directory.resolve(String.format("CT%05d.dcm", slice));
                list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
                files.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
        return new Series(study, series, List.copyOf(files));
    }

    /** A disc whose radius and brightness change with the slice, on a gradient background. */
    private static void fill(short[] pixels, int slice) {
        int radius = 40 + (slice * 7) % 180;
        int r2 = radius * radius;
        for (int y = 0; y < SIZE; y++) {
            int dy = y - SIZE / 2;
            for (int x = 0; x < SIZE; x++) {
                int dx = x - SIZE / 2;
                pixels[y * SIZE + x] = (short) (dx * dx + dy * dy < r2 ? 1000 + slice % 1000 : (x + y + slice) & 0x3FF);
            }
        }
    }

    private static String newUid() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, bytes.array());
    }

    private static void put(AttributeList list, AttributeTag tag, String value) throws DicomException {
        Attribute attribute = AttributeFactory.newAttribute(tag, DicomDictionary.StandardDictionary
                .getValueRepresentationFromTag(tag));
        attribute.addValue(value);
        list.put(attribute);
    }
}
