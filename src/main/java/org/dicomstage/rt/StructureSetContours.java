package org.dicomstage.rt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

import org.dicomstage.dicom.DicomTags;

/**
 * The contours of an RT structure set as PixelMed reads them: per ROI Contour Sequence item its ROI (name and number
 * from the Structure Set ROI Sequence, display colour), and per Contour Sequence item the geometric type, the image
 * it was drawn on (Contour Image Sequence, where given) and its points in patient coordinates (Contour Data, mm).
 */
public final class StructureSetContours {

    private static final AttributeTag StructureSetROISequence = DicomTags.byKeyword("StructureSetROISequence");
    private static final AttributeTag ROINumber = DicomTags.byKeyword("ROINumber");
    private static final AttributeTag ROIName = DicomTags.byKeyword("ROIName");
    private static final AttributeTag ReferencedFrameOfReferenceUID =
            DicomTags.byKeyword("ReferencedFrameOfReferenceUID");
    private static final AttributeTag ReferencedROINumber = DicomTags.byKeyword("ReferencedROINumber");
    private static final AttributeTag ROIDisplayColor = DicomTags.byKeyword("ROIDisplayColor");
    private static final AttributeTag ContourGeometricType = DicomTags.byKeyword("ContourGeometricType");
    private static final AttributeTag ContourData = DicomTags.byKeyword("ContourData");

    /**
     * One contour.
     *
     * @param color                     "#rrggbb", or null when the ROI has no display colour
     * @param referencedSopInstanceUid  the image it was drawn on, or null when the structure set does not say
     * @param frameOfReferenceUid       its ROI's frame of reference, or null
     * @param points                    x, y, z of each point in patient coordinates (mm), one after the other
     */
    public record Contour(int roiNumber, String roiName, String color, String geometricType,
                          String referencedSopInstanceUid, String frameOfReferenceUid, double[] points) {

        public int pointCount() {
            return points.length / 3;
        }
    }

    private StructureSetContours() {
    }

    /** Every contour with at least one point, in the order of the structure set. */
    public static List<Contour> read(AttributeList structureSet) {
        Map<Integer, String[]> rois = new HashMap<>(); // ROI number -> name, frame of reference
        for (AttributeList item : items(structureSet, StructureSetROISequence)) {
            rois.put(Attribute.getSingleIntegerValueOrDefault(item, ROINumber, -1), new String[] {
                    Attribute.getSingleStringValueOrNull(item, ROIName),
                    Attribute.getSingleStringValueOrNull(item, ReferencedFrameOfReferenceUID)});
        }
        List<Contour> contours = new ArrayList<>();
        for (AttributeList roiContour : items(structureSet, RtTags.ROIContourSequence)) {
            int number = Attribute.getSingleIntegerValueOrDefault(roiContour, ReferencedROINumber, -1);
            String[] roi = rois.getOrDefault(number, new String[2]);
            String color = color(roiContour.get(ROIDisplayColor));
            for (AttributeList contour : items(roiContour, RtTags.ContourSequence)) {
                double[] points = points(contour.get(ContourData));
                if (points.length < 3) {
                    continue;
                }
                List<AttributeList> images = items(contour, RtTags.ContourImageSequence);
                String image = images.isEmpty() ? null
                        : Attribute.getSingleStringValueOrNull(images.get(0), TagFromName.ReferencedSOPInstanceUID);
                contours.add(new Contour(number, roi[0], color,
                        Attribute.getSingleStringValueOrDefault(contour, ContourGeometricType, "CLOSED_PLANAR"),
                        image, roi[1], points));
            }
        }
        return contours;
    }

    private static double[] points(Attribute data) {
        if (data == null) {
            return new double[0];
        }
        try {
            double[] values = data.getDoubleValues();
            if (values == null) {
                return new double[0];
            }
            int usable = values.length - values.length % 3;
            return usable == values.length ? values : java.util.Arrays.copyOf(values, usable);
        } catch (DicomException e) {
            return new double[0];
        }
    }

    private static String color(Attribute a) {
        if (a == null || a.getVM() < 3) {
            return null;
        }
        try {
            int[] rgb = a.getIntegerValues();
            return String.format("#%02x%02x%02x", clamp(rgb[0]), clamp(rgb[1]), clamp(rgb[2]));
        } catch (DicomException e) {
            return null;
        }
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static List<AttributeList> items(AttributeList list, AttributeTag tag) {
        List<AttributeList> items = new ArrayList<>();
        if (list.get(tag) instanceof SequenceAttribute sequence) {
            for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                items.add(sequence.getItem(i).getAttributeList());
            }
        }
        return items;
    }
}
