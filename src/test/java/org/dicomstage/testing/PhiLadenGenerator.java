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
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnknownAttribute;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a synthetic, PHI-laden study (a CT image and an RT Structure Set of one patient, UTF-8) and returns
 * every identifying string it planted, with where it was planted. Planted: a distinct value in every attribute
 * of PS3.15 Table E.1-1 whose VR can be filled (read from the product's own table resource, so new rows are
 * covered), the same inside nested sequences (a referenced-series item, RT ROI items, request attributes,
 * referenced patient), in private attributes (with their private creator, also nested) and as a public tag
 * encoded UN; the patient has non-ASCII names.
 */
public final class PhiLadenGenerator {

    /** Identifying strings planted, each with the path where it was planted. */
    public record Study(List<Path> files, Map<String, String> phi) {

        /** The planted identifying strings alone. */
        public java.util.Set<String> phiStrings() {
            return phi.keySet();
        }
    }

    public static final String FAMILY_NAME = "Müller-Ærøskøbing";
    public static final String GIVEN_NAME = "Jürgen";
    public static final String PATIENT_NAME = FAMILY_NAME + "^" + GIVEN_NAME;
    public static final String PATIENT_ID = "MRN-4711-0815";
    public static final String PRIVATE_CREATOR = "ACME PHI 1.0";

    private static final String TABLE = "/org/dicomstage/pseudonym/confidentiality-profile-attributes.tsv";
    private static final DicomDictionary DICTIONARY = DicomDictionary.StandardDictionary;
    private static final String UID_ROOT = "1.2.826.0.1.3680043.10.999.";
    private static final SpecificCharacterSet UTF8 = new SpecificCharacterSet(new String[] {"ISO_IR 192"});

    private final Map<String, String> phi = new LinkedHashMap<>();
    private int counter;

    private PhiLadenGenerator() {
    }

    public static Study write(Path directory) {
        PhiLadenGenerator generator = new PhiLadenGenerator();
        try {
            Files.createDirectories(directory);
            String study = generator.uid("StudyInstanceUID");
            String frame = generator.uid("FrameOfReferenceUID");
            String ctInstance = generator.uid("SOPInstanceUID");
            AttributeList ct = generator.dataset(SOPClass.CTImageStorage, ctInstance, study, frame);
            generator.pixels(ct);
            AttributeList rs = generator.dataset(SOPClass.RTStructureSetStorage, generator.uid("SOPInstanceUID"),
                    study, frame);
            generator.rtSequences(rs, frame, ctInstance);
            Path ctFile = directory.resolve("CT.dcm");
            Path rsFile = directory.resolve("RS.dcm");
            writeFile(ct, ctFile);
            writeFile(rs, rsFile);
            return new Study(List.of(ctFile, rsFile), Map.copyOf(generator.phi));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    private AttributeList dataset(String sopClass, String instance, String study, String frame) throws DicomException,
            IOException {
        AttributeList list = new AttributeList();
        put(list, TagFromName.SpecificCharacterSet, "ISO_IR 192");
        // Every fillable attribute of Table E.1-1 first; the identity attributes below overwrite a few.
        for (AttributeTag tag : tableTags()) {
            plant(list, tag, "");
        }
        put(list, TagFromName.SOPClassUID, sopClass);
        put(list, TagFromName.SOPInstanceUID, instance);
        put(list, TagFromName.StudyInstanceUID, study);
        put(list, TagFromName.SeriesInstanceUID, uid("SeriesInstanceUID"));
        put(list, TagFromName.FrameOfReferenceUID, frame);
        put(list, TagFromName.Modality, SOPClass.CTImageStorage.equals(sopClass) ? "CT" : "RTSTRUCT");
        record(PATIENT_NAME, "PatientName");
        record(FAMILY_NAME, "PatientName");
        record(GIVEN_NAME, "PatientName");
        record(PATIENT_ID, "PatientID");
        put(list, TagFromName.PatientName, PATIENT_NAME);
        put(list, TagFromName.PatientID, PATIENT_ID);
        put(list, TagFromName.OtherPatientNames, "山田^太郎");
        record("山田^太郎", "OtherPatientNames");
        // Free text that names the patient in attributes a profile may keep or clean.
        put(list, TagFromName.SeriesDescription, "CT Thorax " + FAMILY_NAME);
        put(list, TagFromName.StudyDescription, "Planung " + GIVEN_NAME + " " + FAMILY_NAME);
        put(list, TagFromName.Manufacturer, "Made for " + PATIENT_ID);

        // Nested: a kept (unlisted) sequence whose item repeats identifying attributes, one level down.
        AttributeList seriesItem = new AttributeList();
        put(seriesItem, TagFromName.SeriesInstanceUID, uid("ReferencedSeriesSequence/SeriesInstanceUID"));
        for (String keyword : List.of("PatientName", "PatientID", "OperatorsName", "InstitutionName",
                "ReferringPhysicianName", "AccessionNumber", "StudyID", "OtherPatientIDs", "PatientAddress")) {
            plant(seriesItem, DICTIONARY.getTagFromName(keyword), "ReferencedSeriesSequence[0]/");
        }
        privateBlock(seriesItem, "ReferencedSeriesSequence[0]/");
        sequence(list, TagFromName.ReferencedSeriesSequence, seriesItem);

        AttributeList request = new AttributeList();
        for (String keyword : List.of("RequestedProcedureID", "AccessionNumber", "ScheduledProcedureStepID",
                "RequestingPhysician", "ReasonForTheRequestedProcedure")) {
            plant(request, DICTIONARY.getTagFromName(keyword), "RequestAttributesSequence[0]/");
        }
        sequence(list, TagFromName.RequestAttributesSequence, request);

        AttributeList patient = new AttributeList();
        put(patient, TagFromName.ReferencedSOPClassUID, "1.2.840.10008.3.1.2.1.1");
        plant(patient, TagFromName.ReferencedSOPInstanceUID, "ReferencedPatientSequence[0]/");
        sequence(list, TagFromName.ReferencedPatientSequence, patient);

        privateBlock(list, "");
        // A public attribute sent as UN: its bytes must not get through uninterpreted.
        UnknownAttribute occupation = new UnknownAttribute(TagFromName.Occupation);
        byte[] text = even(marker("Occupation(UN)").getBytes(StandardCharsets.US_ASCII));
        occupation.setValues(text);
        list.put(occupation);
        return list;
    }

    private void rtSequences(AttributeList rs, String frame, String ctInstance) throws DicomException {
        AttributeList roi = new AttributeList();
        put(roi, DICTIONARY.getTagFromName("ROINumber"), "1");
        put(roi, TagFromName.ReferencedFrameOfReferenceUID, frame);
        put(roi, DICTIONARY.getTagFromName("ROIName"), "GTV " + FAMILY_NAME);
        plant(roi, DICTIONARY.getTagFromName("ROIDescription"), "StructureSetROISequence[0]/");
        plant(roi, DICTIONARY.getTagFromName("ROIGenerationDescription"), "StructureSetROISequence[0]/");
        plant(roi, TagFromName.OperatorsName, "StructureSetROISequence[0]/");
        privateBlock(roi, "StructureSetROISequence[0]/");
        sequence(rs, DICTIONARY.getTagFromName("StructureSetROISequence"), roi);

        AttributeList image = new AttributeList();
        put(image, TagFromName.ReferencedSOPClassUID, SOPClass.CTImageStorage);
        put(image, TagFromName.ReferencedSOPInstanceUID, ctInstance);
        AttributeList series = new AttributeList();
        put(series, TagFromName.SeriesInstanceUID, uid("RTReferencedSeriesSequence/SeriesInstanceUID"));
        sequence(series, DICTIONARY.getTagFromName("ContourImageSequence"), image);
        AttributeList studyItem = new AttributeList();
        put(studyItem, TagFromName.ReferencedSOPClassUID, "1.2.840.10008.3.1.2.3.1");
        put(studyItem, TagFromName.ReferencedSOPInstanceUID, uid("RTReferencedStudySequence/ReferencedSOPInstanceUID"));
        plant(studyItem, TagFromName.StudyDate, "RTReferencedStudySequence[0]/");
        sequence(studyItem, DICTIONARY.getTagFromName("RTReferencedSeriesSequence"), series);
        AttributeList frameItem = new AttributeList();
        put(frameItem, TagFromName.FrameOfReferenceUID, frame);
        sequence(frameItem, DICTIONARY.getTagFromName("RTReferencedStudySequence"), studyItem);
        sequence(rs, DICTIONARY.getTagFromName("ReferencedFrameOfReferenceSequence"), frameItem);
    }

    private void privateBlock(AttributeList list, String path) throws DicomException {
        put(list, new AttributeTag(0x0011, 0x0010), PRIVATE_CREATOR);
        Attribute text = AttributeFactory.newAttribute(new AttributeTag(0x0011, 0x1001), "LO".getBytes(), UTF8);
        text.addValue(marker(path + "(0011,1001)"));
        list.put(text);
        AttributeList item = new AttributeList();
        Attribute name = AttributeFactory.newAttribute(TagFromName.PersonName, "PN".getBytes(), UTF8);
        name.addValue(marker(path + "(0011,1002)[0]/PersonName") + "^Private");
        item.put(name);
        put(item, new AttributeTag(0x0013, 0x0010), "ACME NESTED");
        Attribute nested = AttributeFactory.newAttribute(new AttributeTag(0x0013, 0x1005), "SH".getBytes(), UTF8);
        nested.addValue(marker(path + "(0011,1002)[0]/(0013,1005)"));
        item.put(nested);
        SequenceAttribute sequence = new SequenceAttribute(new AttributeTag(0x0011, 0x1002));
        sequence.addItem(item);
        list.put(sequence);
    }

    /** Puts a distinct identifying value into {@code tag} if its VR can hold one; records it. */
    private void plant(AttributeList list, AttributeTag tag, String path) throws DicomException {
        byte[] vrBytes = DICTIONARY.getValueRepresentationFromTag(tag);
        String keyword = DICTIONARY.getNameFromTag(tag);
        if (vrBytes == null || keyword == null) {
            return;
        }
        String where = path + keyword;
        String vr = new String(vrBytes, StandardCharsets.US_ASCII);
        if ("SQ".equals(vr)) {
            AttributeList item = new AttributeList();
            if (keyword.equals("ReferencedImageSequence") || keyword.equals("SourceImageSequence")
                    || keyword.equals("ReferencedStudySequence")
                    || keyword.equals("ReferencedPerformedProcedureStepSequence")) {
                put(item, TagFromName.ReferencedSOPClassUID, SOPClass.CTImageStorage);
                put(item, TagFromName.ReferencedSOPInstanceUID, uid(where + "[0]/ReferencedSOPInstanceUID"));
            } else {
                put(item, TagFromName.CodeValue, marker(where + "[0]/CodeValue"));
                put(item, TagFromName.CodingSchemeDesignator, "99PHI");
                put(item, TagFromName.CodeMeaning, marker(where + "[0]/CodeMeaning"));
                Attribute person = AttributeFactory.newAttribute(TagFromName.PersonName, "PN".getBytes(), UTF8);
                person.addValue(marker(where + "[0]/PersonName"));
                item.put(person);
            }
            sequence(list, tag, item);
            return;
        }
        String value = switch (vr) {
            case "AE", "CS", "LO", "LT", "SH", "ST", "UC", "UT", "PN" -> marker(where);
            case "UR" -> "http://" + marker(where).toLowerCase() + ".example/";
            case "UI" -> uid(where);
            case "DA" -> record(plantedDate(), where);
            case "DT" -> record(plantedDate() + "101010", where);
            case "TM" -> record(String.format("%02d%02d%02d.%03d", 10 + counter % 10, counter % 60, 7, ++counter),
                    where);
            case "AS" -> record(String.format("%03dY", 10 + (++counter % 80)), where);
            default -> null;
        };
        if (value == null) {
            return;
        }
        Attribute attribute = AttributeFactory.newAttribute(tag, vrBytes, UTF8);
        attribute.addValue(value);
        list.put(attribute);
    }

    /** Planted dates lie 400 days apart, so a date shifted by up to a year never equals another planted one. */
    private String plantedDate() {
        return LocalDate.of(1800, 1, 1).plusDays(400L * ++counter).format(DateTimeFormatter.BASIC_ISO_DATE);
    }

    private String marker(String where) {
        return record(String.format("PHI%05d", ++counter), where);
    }

    private String uid(String where) {
        return record(UID_ROOT + (++counter), where);
    }

    private String record(String value, String where) {
        phi.putIfAbsent(value, where);
        return value;
    }

    private void pixels(AttributeList list) throws DicomException {
        put(list, TagFromName.Rows, "8");
        put(list, TagFromName.Columns, "8");
        put(list, TagFromName.BitsAllocated, "16");
        put(list, TagFromName.BitsStored, "16");
        put(list, TagFromName.HighBit, "15");
        put(list, TagFromName.PixelRepresentation, "0");
        put(list, TagFromName.SamplesPerPixel, "1");
        put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
        OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
        short[] values = new short[64];
        for (int i = 0; i < values.length; i++) {
            values[i] = (short) (i * 97);
        }
        pixels.setValues(values);
        list.put(pixels);
    }

    private static List<AttributeTag> tableTags() throws IOException {
        List<AttributeTag> tags = new ArrayList<>();
        try (InputStream in = PhiLadenGenerator.class.getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException(TABLE + " not on the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                String tag = text.substring(0, 9);
                if (!tag.matches("[0-9A-F]{4},[0-9A-F]{4}")) {
                    continue; // repeating groups (50xx, 60xx) and private attributes (gggg,eeee) name no one tag
                }
                int group = Integer.parseInt(tag.substring(0, 4), 16);
                if (group == 0xFFFA || group == 0xFFFC || group == 0x0000 || group == 0x0004) {
                    continue; // signatures, padding, command and directory groups do not belong in a dataset
                }
                tags.add(new AttributeTag(group, Integer.parseInt(tag.substring(5), 16)));
            }
        }
        return tags;
    }

    private static void put(AttributeList list, AttributeTag tag, String value) throws DicomException {
        byte[] vr = DICTIONARY.getValueRepresentationFromTag(tag);
        if (vr == null) {
            vr = "LO".getBytes(StandardCharsets.US_ASCII);
        }
        Attribute attribute = AttributeFactory.newAttribute(tag, vr, UTF8);
        attribute.addValue(value);
        list.put(attribute);
    }

    private static void sequence(AttributeList list, AttributeTag tag, AttributeList item) {
        SequenceAttribute sequence = new SequenceAttribute(tag);
        sequence.addItem(item);
        list.put(sequence);
    }

    private static byte[] even(byte[] bytes) {
        if (bytes.length % 2 == 0) {
            return bytes;
        }
        byte[] padded = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        padded[bytes.length] = ' ';
        return padded;
    }

    private static void writeFile(AttributeList list, Path file) throws DicomException, IOException {
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "PHIGEN");
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
    }
}
