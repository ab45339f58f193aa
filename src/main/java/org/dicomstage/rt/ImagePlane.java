package org.dicomstage.rt;

import java.util.Optional;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

/**
 * Where an image lies in the patient: the centre of its first pixel (ImagePositionPatient), the directions of its rows
 * and columns (ImageOrientationPatient) and the distances between pixel centres (PixelSpacing), as PS3.3 C.7.6.2.1.1
 * defines them. Maps a point in patient coordinates (mm) to continuous pixel coordinates, pixel centres on integers.
 *
 * @param rowSpacing    PixelSpacing[0]: from one row's centre to the next, along the column direction
 * @param columnSpacing PixelSpacing[1]: from one column's centre to the next, along the row direction
 */
public record ImagePlane(double[] position, double[] rowDirection, double[] columnDirection, double rowSpacing,
                         double columnSpacing, int rows, int columns) {

    /** The plane of a single-frame image; empty when the header lacks any of the attributes it needs. */
    public static Optional<ImagePlane> of(AttributeList header) {
        double[] ipp = doubles(header, TagFromName.ImagePositionPatient, 3);
        double[] iop = doubles(header, TagFromName.ImageOrientationPatient, 6);
        double[] spacing = doubles(header, TagFromName.PixelSpacing, 2);
        int rows = Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Columns, 0);
        if (ipp == null || iop == null || spacing == null || rows <= 0 || columns <= 0 || spacing[0] <= 0
                || spacing[1] <= 0) {
            return Optional.empty();
        }
        return Optional.of(new ImagePlane(ipp, new double[] {iop[0], iop[1], iop[2]},
                new double[] {iop[3], iop[4], iop[5]}, spacing[0], spacing[1], rows, columns));
    }

    /** The same plane moved {@code offset} mm along its normal: a frame of an RT dose grid (GridFrameOffsetVector). */
    public ImagePlane shifted(double offset) {
        double[] n = normal();
        return new ImagePlane(new double[] {position[0] + offset * n[0], position[1] + offset * n[1],
                position[2] + offset * n[2]}, rowDirection, columnDirection, rowSpacing, columnSpacing, rows, columns);
    }

    /** Row direction × column direction: the way slices of a series are sorted and planes compared. */
    public double[] normal() {
        double[] r = rowDirection;
        double[] c = columnDirection;
        return new double[] {r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]};
    }

    /** The plane's position along its normal, in mm. */
    public double positionAlongNormal() {
        return dot(position, normal());
    }

    /** How far (mm, signed) a point lies from this plane along its normal. */
    public double distance(double x, double y, double z) {
        return dot(new double[] {x - position[0], y - position[1], z - position[2]}, normal());
    }

    /**
     * The point's place in the image as {column, row}, fractional, with the first pixel's centre at {0, 0}: the
     * offset from the first pixel's centre projected on the row direction, over the column spacing, and on the column
     * direction, over the row spacing.
     */
    public double[] toPixel(double x, double y, double z) {
        double[] d = {x - position[0], y - position[1], z - position[2]};
        return new double[] {dot(d, rowDirection) / columnSpacing, dot(d, columnDirection) / rowSpacing};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static double[] doubles(AttributeList header, com.pixelmed.dicom.AttributeTag tag, int count) {
        Attribute a = header.get(tag);
        if (a == null || a.getVM() < count) {
            return null;
        }
        try {
            double[] values = a.getDoubleValues();
            return values == null || values.length < count ? null : values;
        } catch (com.pixelmed.dicom.DicomException e) {
            return null;
        }
    }
}
