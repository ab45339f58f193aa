package org.dicomstage.testing;

import static com.pixelmed.dicom.TagFromName.*;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TransferSyntax;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Writes a small synthetic radiotherapy patient as Part-10 files (explicit VR little endian): a planning CT,
 * an MR, an RTSTRUCT on the CT, two plans on the structure set ("PLAN_A" APPROVED with reviewer, "PLAN_B"
 * UNAPPROVED) and one RTDOSE series per plan. Demo data for the UI and data for tests; every UID is a fresh
 * 2.25 UUID UID, so two calls never collide in one archive.
 */
public final class DemoRtPatientGenerator {

    /** The UIDs and files of one generated patient. */
    public record DemoRtPatient(
            String patientId,
            String patientName,
            String studyInstanceUID,
            Series ct,
            Series mr,
            Series rtStruct,
            Series planA,
            Series planB,
            Series doseA,
            Series doseB,
            List<Path> files) {
    }

    /** One generated series and its instances, in file order. */
    public record Series(String modality, String seriesInstanceUID, List<String> sopInstanceUIDs) {

        public String sopInstanceUID() {
            return sopInstanceUIDs.get(0);
        }
    }

    // Debian's TagFromName lacks these keywords; PixelMed's dictionary knows them.
    private static final AttributeTag ApprovalStatus = keyword("ApprovalStatus");
    private static final AttributeTag ReviewDate = keyword("ReviewDate");
    private static final AttributeTag ReviewTime = keyword("ReviewTime");
    private static final AttributeTag StructureSetName = keyword("StructureSetName");
    private static final AttributeTag StructureSetDate = keyword("StructureSetDate");
    private static final AttributeTag StructureSetTime = keyword("StructureSetTime");
    private static final AttributeTag ReferencedFrameOfReferenceSequence =
            keyword("ReferencedFrameOfReferenceSequence");
    private static final AttributeTag RTReferencedStudySequence = keyword("RTReferencedStudySequence");
    private static final AttributeTag RTReferencedSeriesSequence = keyword("RTReferencedSeriesSequence");
    private static final AttributeTag ContourImageSequence = keyword("ContourImageSequence");
    private static final AttributeTag StructureSetROISequence = keyword("StructureSetROISequence");
    private static final AttributeTag ROINumber = keyword("ROINumber");
    private static final AttributeTag ReferencedFrameOfReferenceUID = keyword("ReferencedFrameOfReferenceUID");
    private static final AttributeTag ROIName = keyword("ROIName");
    private static final AttributeTag ROIGenerationAlgorithm = keyword("ROIGenerationAlgorithm");
    private static final AttributeTag ROIContourSequence = keyword("ROIContourSequence");
    private static final AttributeTag ReferencedROINumber = keyword("ReferencedROINumber");
    private static final AttributeTag ROIDisplayColor = keyword("ROIDisplayColor");
    private static final AttributeTag ContourSequence = keyword("ContourSequence");
    private static final AttributeTag ContourGeometricType = keyword("ContourGeometricType");
    private static final AttributeTag NumberOfContourPoints = keyword("NumberOfContourPoints");
    private static final AttributeTag ContourData = keyword("ContourData");
    private static final AttributeTag RTROIObservationsSequence = keyword("RTROIObservationsSequence");
    private static final AttributeTag ObservationNumber = keyword("ObservationNumber");
    private static final AttributeTag RTROIInterpretedType = keyword("RTROIInterpretedType");
    private static final AttributeTag ROIInterpreter = keyword("ROIInterpreter");
    private static final AttributeTag RTPlanDate = keyword("RTPlanDate");
    private static final AttributeTag RTPlanTime = keyword("RTPlanTime");
    private static final AttributeTag RTPlanGeometry = keyword("RTPlanGeometry");
    private static final AttributeTag ReferencedStructureSetSequence = keyword("ReferencedStructureSetSequence");
    private static final AttributeTag ReferencedRTPlanSequence = keyword("ReferencedRTPlanSequence");
    private static final AttributeTag FractionGroupSequence = keyword("FractionGroupSequence");
    private static final AttributeTag FractionGroupNumber = keyword("FractionGroupNumber");
    private static final AttributeTag NumberOfFractionsPlanned = keyword("NumberOfFractionsPlanned");
    private static final AttributeTag NumberOfBeams = keyword("NumberOfBeams");
    private static final AttributeTag NumberOfBrachyApplicationSetups = keyword("NumberOfBrachyApplicationSetups");
    private static final AttributeTag ReferencedBeamSequence = keyword("ReferencedBeamSequence");
    private static final AttributeTag ReferencedBeamNumber = keyword("ReferencedBeamNumber");
    private static final AttributeTag BeamMeterset = keyword("BeamMeterset");
    private static final AttributeTag BeamSequence = keyword("BeamSequence");
    private static final AttributeTag BeamNumber = keyword("BeamNumber");
    private static final AttributeTag BeamName = keyword("BeamName");
    private static final AttributeTag BeamType = keyword("BeamType");
    private static final AttributeTag RadiationType = keyword("RadiationType");
    private static final AttributeTag TreatmentMachineName = keyword("TreatmentMachineName");
    private static final AttributeTag PrimaryDosimeterUnit = keyword("PrimaryDosimeterUnit");
    private static final AttributeTag SourceAxisDistance = keyword("SourceAxisDistance");
    private static final AttributeTag TreatmentDeliveryType = keyword("TreatmentDeliveryType");
    private static final AttributeTag NumberOfWedges = keyword("NumberOfWedges");
    private static final AttributeTag NumberOfCompensators = keyword("NumberOfCompensators");
    private static final AttributeTag NumberOfBoli = keyword("NumberOfBoli");
    private static final AttributeTag NumberOfBlocks = keyword("NumberOfBlocks");
    private static final AttributeTag FinalCumulativeMetersetWeight = keyword("FinalCumulativeMetersetWeight");
    private static final AttributeTag NumberOfControlPoints = keyword("NumberOfControlPoints");
    private static final AttributeTag ControlPointSequence = keyword("ControlPointSequence");
    private static final AttributeTag ControlPointIndex = keyword("ControlPointIndex");
    private static final AttributeTag NominalBeamEnergy = keyword("NominalBeamEnergy");
    private static final AttributeTag GantryAngle = keyword("GantryAngle");
    private static final AttributeTag GantryRotationDirection = keyword("GantryRotationDirection");
    private static final AttributeTag BeamLimitingDeviceAngle = keyword("BeamLimitingDeviceAngle");
    private static final AttributeTag BeamLimitingDeviceRotationDirection =
            keyword("BeamLimitingDeviceRotationDirection");
    private static final AttributeTag PatientSupportAngle = keyword("PatientSupportAngle");
    private static final AttributeTag PatientSupportRotationDirection = keyword("PatientSupportRotationDirection");
    private static final AttributeTag TableTopEccentricAngle = keyword("TableTopEccentricAngle");
    private static final AttributeTag TableTopEccentricRotationDirection =
            keyword("TableTopEccentricRotationDirection");
    private static final AttributeTag IsocenterPosition = keyword("IsocenterPosition");
    private static final AttributeTag CumulativeMetersetWeight = keyword("CumulativeMetersetWeight");
    private static final AttributeTag ReferencedPatientSetupNumber = keyword("ReferencedPatientSetupNumber");
    private static final AttributeTag PatientSetupSequence = keyword("PatientSetupSequence");
    private static final AttributeTag PatientSetupNumber = keyword("PatientSetupNumber");
    private static final AttributeTag DoseUnits = keyword("DoseUnits");
    private static final AttributeTag DoseType = keyword("DoseType");
    private static final AttributeTag GridFrameOffsetVector = keyword("GridFrameOffsetVector");
    private static final AttributeTag DoseGridScaling = keyword("DoseGridScaling");
    private static final AttributeTag KVP = keyword("KVP");
    private static final AttributeTag ScanningSequence = keyword("ScanningSequence");
    private static final AttributeTag SequenceVariant = keyword("SequenceVariant");
    private static final AttributeTag ScanOptions = keyword("ScanOptions");
    private static final AttributeTag MagneticFieldStrength = keyword("MagneticFieldStrength");

    private static final int CT_SLICES = 4;
    private static final int MR_SLICES = 3;
    private static final int IMAGE_SIZE = 64;
    private static final double IMAGE_SPACING = 4.0;
    private static final double SLICE_SPACING = 3.0;
    private static final int DOSE_SIZE = 16;
    private static final double DOSE_SPACING = 16.0;
    /** The Study Component Management SOP Class, which RTReferencedStudySequence items are to name. */
    private static final String STUDY_COMPONENT_MANAGEMENT = "1.2.840.10008.3.1.2.3.2";

    private final String patientId;
    private final String patientName;
    private final String studyUid = newUid();
    private final String date = LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE);
    private final List<Path> files = new ArrayList<>();

    private DemoRtPatientGenerator(String patientId, String patientName) {
        this.patientId = patientId;
        this.patientName = patientName;
    }

    /** Writes the patient's files below directory (created if missing) and returns what was written. */
    public static DemoRtPatient write(Path directory, String patientId, String patientName)
            throws IOException, DicomException {
        return new DemoRtPatientGenerator(patientId, patientName).writeAll(directory);
    }

    /** A UID under the UUID root 2.25, which needs no registered organisation root. */
    public static String newUid() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16);
        bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, bytes.array());
    }

    private DemoRtPatient writeAll(Path dir) throws IOException, DicomException {
        Files.createDirectories(dir);
        String ctFrame = newUid();
        Series ct = writeImages(dir.resolve("CT"), "CT", SOPClass.CTImageStorage, 1, "Planning CT", CT_SLICES,
                ctFrame);
        Series mr = writeImages(dir.resolve("MR"), "MR", SOPClass.MRImageStorage, 2, "T1 axial", MR_SLICES,
                newUid());
        Series rtStruct = writeStructureSet(dir.resolve("RS.dcm"), ct, ctFrame);
        Series planA = writePlan(dir.resolve("RP_A.dcm"), 4, "PLAN_A", "APPROVED", rtStruct);
        Series planB = writePlan(dir.resolve("RP_B.dcm"), 5, "PLAN_B", "UNAPPROVED", rtStruct);
        Series doseA = writeDose(dir.resolve("RD_A.dcm"), 6, planA, rtStruct, ctFrame, 60.0);
        Series doseB = writeDose(dir.resolve("RD_B.dcm"), 7, planB, rtStruct, ctFrame, 50.0);
        return new DemoRtPatient(patientId, patientName, studyUid, ct, mr, rtStruct, planA, planB, doseA, doseB,
                List.copyOf(files));
    }

    private Series writeImages(Path dir, String modality, String sopClass, int seriesNumber, String description,
            int slices, String frameOfReference) throws IOException, DicomException {
        Files.createDirectories(dir);
        String seriesUid = newUid();
        List<String> sops = new ArrayList<>();
        for (int slice = 0; slice < slices; slice++) {
            String sop = newUid();
            AttributeList list = common(modality, sopClass, seriesUid, sop, seriesNumber, description);
            put(list, FrameOfReferenceUID, frameOfReference);
            put(list, PositionReferenceIndicator, "");
            put(list, ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
            put(list, InstanceNumber, Integer.toString(slice + 1));
            put(list, PatientPosition, "HFS");
            putImagePlane(list, IMAGE_SPACING, slice * SLICE_SPACING);
            put(list, SliceThickness, ds(SLICE_SPACING));
            if ("CT".equals(modality)) {
                put(list, KVP, "120");
                put(list, RescaleIntercept, "-1024");
                put(list, RescaleSlope, "1");
                put(list, RescaleType, "HU");
            } else {
                put(list, ScanningSequence, "SE");
                put(list, SequenceVariant, "NONE");
                put(list, ScanOptions, "");
                put(list, MRAcquisitionType, "2D");
                put(list, EchoTime, "15");
                put(list, RepetitionTime, "500");
                put(list, EchoTrainLength, "1");
                put(list, MagneticFieldStrength, "1.5");
            }
            putMonochrome(list, IMAGE_SIZE, IMAGE_SIZE, 12);
            list.put(pixels(phantom(modality)));
            writePart10(list, dir.resolve(modality + "_" + (slice + 1) + ".dcm"));
            sops.add(sop);
        }
        return new Series(modality, seriesUid, List.copyOf(sops));
    }

    /** A water cylinder in air: enough structure to tell the images apart in a viewer. */
    private static short[] phantom(String modality) {
        short[] values = new short[IMAGE_SIZE * IMAGE_SIZE];
        double centre = (IMAGE_SIZE - 1) / 2.0;
        for (int row = 0; row < IMAGE_SIZE; row++) {
            for (int column = 0; column < IMAGE_SIZE; column++) {
                double radius = Math.hypot(row - centre, column - centre) * IMAGE_SPACING;
                boolean inside = radius < 100;
                values[row * IMAGE_SIZE + column] = (short) ("CT".equals(modality) ? (inside ? 1024 : 24)
                        : (inside ? 800 + (int) (radius * 2) : 0));
            }
        }
        return values;
    }

    private Series writeStructureSet(Path file, Series ct, String frameOfReference)
            throws IOException, DicomException {
        String seriesUid = newUid();
        String sop = newUid();
        AttributeList list = common("RTSTRUCT", SOPClass.RTStructureSetStorage, seriesUid, sop, 3, "Structures");
        put(list, OperatorsName, "");
        put(list, InstanceNumber, "1");
        put(list, StructureSetLabel, "DEMO_RS");
        put(list, StructureSetName, "Demo structures");
        put(list, StructureSetDate, date);
        put(list, StructureSetTime, "120000");

        AttributeList referencedSeries = new AttributeList();
        put(referencedSeries, SeriesInstanceUID, ct.seriesInstanceUID());
        referencedSeries.put(references(ContourImageSequence, SOPClass.CTImageStorage, ct.sopInstanceUIDs()));
        AttributeList referencedStudy = new AttributeList();
        put(referencedStudy, ReferencedSOPClassUID, STUDY_COMPONENT_MANAGEMENT);
        put(referencedStudy, ReferencedSOPInstanceUID, studyUid);
        referencedStudy.put(sequence(RTReferencedSeriesSequence, referencedSeries));
        AttributeList frame = new AttributeList();
        put(frame, FrameOfReferenceUID, frameOfReference);
        frame.put(sequence(RTReferencedStudySequence, referencedStudy));
        list.put(sequence(ReferencedFrameOfReferenceSequence, frame));

        String[][] rois = {{"1", "BODY", "EXTERNAL", "100", "0\\255\\0"}, {"2", "PTV", "PTV", "30", "255\\0\\0"}};
        SequenceAttribute roiSequence = new SequenceAttribute(StructureSetROISequence);
        SequenceAttribute contours = new SequenceAttribute(ROIContourSequence);
        SequenceAttribute observations = new SequenceAttribute(RTROIObservationsSequence);
        for (String[] roi : rois) {
            AttributeList item = new AttributeList();
            put(item, ROINumber, roi[0]);
            put(item, ReferencedFrameOfReferenceUID, frameOfReference);
            put(item, ROIName, roi[1]);
            put(item, ROIGenerationAlgorithm, "MANUAL");
            roiSequence.addItem(item);

            AttributeList roiContour = new AttributeList();
            put(roiContour, ReferencedROINumber, roi[0]);
            put(roiContour, ROIDisplayColor, roi[4].split("\\\\"));
            SequenceAttribute contourSequence = new SequenceAttribute(ContourSequence);
            for (int slice = 0; slice < ct.sopInstanceUIDs().size(); slice++) {
                AttributeList contour = new AttributeList();
                contour.put(references(ContourImageSequence, SOPClass.CTImageStorage,
                        List.of(ct.sopInstanceUIDs().get(slice))));
                put(contour, ContourGeometricType, "CLOSED_PLANAR");
                String[] points = circle(Double.parseDouble(roi[3]), slice * SLICE_SPACING, 16);
                put(contour, NumberOfContourPoints, Integer.toString(points.length / 3));
                put(contour, ContourData, points);
                contourSequence.addItem(contour);
            }
            roiContour.put(contourSequence);
            contours.addItem(roiContour);

            AttributeList observation = new AttributeList();
            put(observation, ObservationNumber, roi[0]);
            put(observation, ReferencedROINumber, roi[0]);
            put(observation, RTROIInterpretedType, roi[2]);
            put(observation, ROIInterpreter, "");
            observations.addItem(observation);
        }
        list.put(roiSequence);
        list.put(contours);
        list.put(observations);
        writePart10(list, file);
        return new Series("RTSTRUCT", seriesUid, List.of(sop));
    }

    private static String[] circle(double radius, double z, int points) {
        String[] values = new String[points * 3];
        for (int i = 0; i < points; i++) {
            double angle = 2 * Math.PI * i / points;
            values[3 * i] = ds(radius * Math.cos(angle));
            values[3 * i + 1] = ds(radius * Math.sin(angle));
            values[3 * i + 2] = ds(z);
        }
        return values;
    }

    private Series writePlan(Path file, int seriesNumber, String label, String approvalStatus, Series rtStruct)
            throws IOException, DicomException {
        String seriesUid = newUid();
        String sop = newUid();
        AttributeList list = common("RTPLAN", SOPClass.RTPlanStorage, seriesUid, sop, seriesNumber, "Plan " + label);
        put(list, OperatorsName, "");
        put(list, InstanceNumber, "1");
        put(list, RTPlanLabel, label);
        put(list, RTPlanName, label.toLowerCase(Locale.ROOT).replace('_', ' '));
        put(list, RTPlanDate, date);
        put(list, RTPlanTime, "130000");
        put(list, RTPlanGeometry, "PATIENT");
        list.put(references(ReferencedStructureSetSequence, SOPClass.RTStructureSetStorage,
                List.of(rtStruct.sopInstanceUID())));

        AttributeList referencedBeam = new AttributeList();
        put(referencedBeam, ReferencedBeamNumber, "1");
        put(referencedBeam, BeamMeterset, "200");
        AttributeList fractionGroup = new AttributeList();
        put(fractionGroup, FractionGroupNumber, "1");
        put(fractionGroup, NumberOfFractionsPlanned, "30");
        put(fractionGroup, NumberOfBeams, "1");
        put(fractionGroup, NumberOfBrachyApplicationSetups, "0");
        fractionGroup.put(sequence(ReferencedBeamSequence, referencedBeam));
        list.put(sequence(FractionGroupSequence, fractionGroup));

        AttributeList first = new AttributeList();
        put(first, ControlPointIndex, "0");
        put(first, NominalBeamEnergy, "6");
        put(first, GantryAngle, "0");
        put(first, GantryRotationDirection, "NONE");
        put(first, BeamLimitingDeviceAngle, "0");
        put(first, BeamLimitingDeviceRotationDirection, "NONE");
        put(first, PatientSupportAngle, "0");
        put(first, PatientSupportRotationDirection, "NONE");
        put(first, TableTopEccentricAngle, "0");
        put(first, TableTopEccentricRotationDirection, "NONE");
        put(first, IsocenterPosition, "0", "0", ds(SLICE_SPACING * (CT_SLICES - 1) / 2));
        put(first, CumulativeMetersetWeight, "0");
        AttributeList last = new AttributeList();
        put(last, ControlPointIndex, "1");
        put(last, CumulativeMetersetWeight, "1");
        SequenceAttribute controlPoints = new SequenceAttribute(ControlPointSequence);
        controlPoints.addItem(first);
        controlPoints.addItem(last);
        AttributeList beam = new AttributeList();
        put(beam, BeamNumber, "1");
        put(beam, BeamName, "AP");
        put(beam, BeamType, "STATIC");
        put(beam, RadiationType, "PHOTON");
        put(beam, TreatmentMachineName, "DEMO_LINAC");
        put(beam, PrimaryDosimeterUnit, "MU");
        put(beam, SourceAxisDistance, "1000");
        put(beam, TreatmentDeliveryType, "TREATMENT");
        put(beam, NumberOfWedges, "0");
        put(beam, NumberOfCompensators, "0");
        put(beam, NumberOfBoli, "0");
        put(beam, NumberOfBlocks, "0");
        put(beam, FinalCumulativeMetersetWeight, "1");
        put(beam, NumberOfControlPoints, "2");
        put(beam, ReferencedPatientSetupNumber, "1");
        beam.put(controlPoints);
        list.put(sequence(BeamSequence, beam));

        AttributeList setup = new AttributeList();
        put(setup, PatientSetupNumber, "1");
        put(setup, PatientPosition, "HFS");
        list.put(sequence(PatientSetupSequence, setup));

        put(list, ApprovalStatus, approvalStatus);
        if ("APPROVED".equals(approvalStatus)) {
            put(list, ReviewDate, date);
            put(list, ReviewTime, "140000");
            put(list, ReviewerName, "Lindgren^Maja");
        }
        writePart10(list, file);
        return new Series("RTPLAN", seriesUid, List.of(sop));
    }

    private Series writeDose(Path file, int seriesNumber, Series plan, Series rtStruct, String frameOfReference,
            double prescribedGy) throws IOException, DicomException {
        String seriesUid = newUid();
        String sop = newUid();
        AttributeList list = common("RTDOSE", SOPClass.RTDoseStorage, seriesUid, sop, seriesNumber, "Dose");
        put(list, OperatorsName, "");
        put(list, InstanceNumber, "1");
        put(list, FrameOfReferenceUID, frameOfReference);
        put(list, PositionReferenceIndicator, "");
        putImagePlane(list, DOSE_SPACING, 0);
        put(list, SliceThickness, "");
        put(list, NumberOfFrames, Integer.toString(CT_SLICES));
        AttributeTagAttribute increment = new AttributeTagAttribute(FrameIncrementPointer);
        increment.addValue(GridFrameOffsetVector);
        list.put(increment);
        String[] offsets = new String[CT_SLICES];
        for (int i = 0; i < CT_SLICES; i++) {
            offsets[i] = ds(i * SLICE_SPACING);
        }
        put(list, GridFrameOffsetVector, offsets);
        putMonochrome(list, DOSE_SIZE, DOSE_SIZE, 16);
        put(list, DoseUnits, "GY");
        put(list, DoseType, "PHYSICAL");
        put(list, DoseSummationType, "PLAN");
        // Full scale (65535) is 110 % of the prescription, as a TPS exporting a hot spot would write it.
        double scaling = prescribedGy * 1.1 / 65535;
        put(list, DoseGridScaling, String.format(Locale.ROOT, "%.6e", scaling));
        list.put(references(ReferencedRTPlanSequence, SOPClass.RTPlanStorage, List.of(plan.sopInstanceUID())));
        list.put(references(ReferencedStructureSetSequence, SOPClass.RTStructureSetStorage,
                List.of(rtStruct.sopInstanceUID())));
        short[] dose = new short[DOSE_SIZE * DOSE_SIZE * CT_SLICES];
        double centre = (DOSE_SIZE - 1) / 2.0;
        for (int frame = 0; frame < CT_SLICES; frame++) {
            for (int row = 0; row < DOSE_SIZE; row++) {
                for (int column = 0; column < DOSE_SIZE; column++) {
                    double r = Math.hypot(row - centre, column - centre) * DOSE_SPACING;
                    double gy = prescribedGy * Math.exp(-(r * r) / (2 * 40.0 * 40.0));
                    dose[(frame * DOSE_SIZE + row) * DOSE_SIZE + column] = (short) Math.round(gy / scaling);
                }
            }
        }
        list.put(pixels(dose));
        writePart10(list, file);
        return new Series("RTDOSE", seriesUid, List.of(sop));
    }

    private AttributeList common(String modality, String sopClass, String seriesUid, String sopUid,
            int seriesNumber, String description) throws DicomException {
        AttributeList list = new AttributeList();
        put(list, SOPClassUID, sopClass);
        put(list, SOPInstanceUID, sopUid);
        put(list, InstanceCreationDate, date);
        put(list, StudyDate, date);
        put(list, StudyTime, "100000");
        put(list, AccessionNumber, "");
        put(list, ReferringPhysicianName, "");
        put(list, StudyID, "DEMO");
        put(list, StudyDescription, "Demo radiotherapy planning");
        put(list, StudyInstanceUID, studyUid);
        put(list, PatientName, patientName);
        put(list, PatientID, patientId);
        put(list, PatientBirthDate, "");
        put(list, PatientSex, "O");
        put(list, Modality, modality);
        put(list, SeriesInstanceUID, seriesUid);
        put(list, SeriesNumber, Integer.toString(seriesNumber));
        put(list, SeriesDescription, description);
        put(list, Manufacturer, "DICOM Stage demo generator");
        return list;
    }

    private static void putImagePlane(AttributeList list, double spacing, double z) throws DicomException {
        int size = spacing == DOSE_SPACING ? DOSE_SIZE : IMAGE_SIZE;
        double first = -(size - 1) * spacing / 2;
        put(list, ImagePositionPatient, ds(first), ds(first), ds(z));
        put(list, ImageOrientationPatient, "1", "0", "0", "0", "1", "0");
        put(list, PixelSpacing, ds(spacing), ds(spacing));
    }

    private static void putMonochrome(AttributeList list, int rows, int columns, int bitsStored)
            throws DicomException {
        put(list, SamplesPerPixel, 1);
        put(list, PhotometricInterpretation, "MONOCHROME2");
        put(list, Rows, rows);
        put(list, Columns, columns);
        put(list, BitsAllocated, 16);
        put(list, BitsStored, bitsStored);
        put(list, HighBit, bitsStored - 1);
        put(list, PixelRepresentation, 0);
    }

    private static OtherWordAttribute pixels(short[] values) throws DicomException {
        OtherWordAttribute pixelData = new OtherWordAttribute(PixelData);
        pixelData.setValues(values);
        return pixelData;
    }

    private static SequenceAttribute references(AttributeTag tag, String sopClass, List<String> sops)
            throws DicomException {
        SequenceAttribute sequence = new SequenceAttribute(tag);
        for (String sop : sops) {
            AttributeList item = new AttributeList();
            put(item, ReferencedSOPClassUID, sopClass);
            put(item, ReferencedSOPInstanceUID, sop);
            sequence.addItem(item);
        }
        return sequence;
    }

    private static SequenceAttribute sequence(AttributeTag tag, AttributeList item) {
        SequenceAttribute sequence = new SequenceAttribute(tag);
        sequence.addItem(item);
        return sequence;
    }

    private static void put(AttributeList list, AttributeTag tag, String... values) throws DicomException {
        Attribute attribute = AttributeFactory.newAttribute(tag);
        for (String value : values) {
            attribute.addValue(value);
        }
        list.put(attribute);
    }

    private static void put(AttributeList list, AttributeTag tag, int value) throws DicomException {
        Attribute attribute = AttributeFactory.newAttribute(tag);
        attribute.addValue(value);
        list.put(attribute);
    }

    /** A decimal string short enough for DS (16 characters). */
    private static String ds(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private void writePart10(AttributeList list, Path file) throws IOException, DicomException {
        // Declares the character set the patient name needs (Latin-1 for "Müller", UTF-8 beyond), so that any
        // name given survives the round trip.
        list.insertSuitableSpecificCharacterSetForAllStringValues();
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "DICOMSTAGE");
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        files.add(file);
    }

    private static AttributeTag keyword(String keyword) {
        AttributeTag tag = AttributeList.getDictionary().getTagFromName(keyword);
        if (tag == null) {
            throw new IllegalStateException("PixelMed's dictionary does not know the DICOM keyword " + keyword);
        }
        return tag;
    }
}
