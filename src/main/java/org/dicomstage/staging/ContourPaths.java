package org.dicomstage.staging;

import java.util.Arrays;

import org.dicomstage.rt.ImagePlane;
import org.dicomstage.rt.StructureSetContours.Contour;

/** A contour as SVG path data over its image, where pixel (c, r) covers [c, c+1] × [r, r+1]. */
final class ContourPaths {

    private ContourPaths() {
    }

    static String svg(ImagePlane plane, Contour contour) {
        double[] p = contour.points();
        StringBuilder path = new StringBuilder(p.length * 4);
        for (int i = 0; i + 2 < p.length; i += 3) {
            double[] pixel = plane.toPixel(p[i], p[i + 1], p[i + 2]);
            // DICOM puts the first pixel's centre at the image position: half a pixel in from the image's corner.
            path.append(i == 0 ? 'M' : 'L').append(round(pixel[0] + 0.5)).append(' ').append(round(pixel[1] + 0.5));
        }
        if ("POINT".equals(contour.geometricType())) {
            path.append("h0.01"); // a lone point draws as a dot with a round line cap
        } else if (!"OPEN_PLANAR".equals(contour.geometricType()) && !"OPEN_NONPLANAR".equals(contour.geometricType())) {
            path.append('Z');
        }
        return path.toString();
    }

    /** Half the smallest distance between neighbouring slices, at least 0.5 mm (a single slice: 0.5 mm). */
    static double halfSliceDistance(double[] positions) {
        double[] sorted = positions.clone();
        Arrays.sort(sorted);
        double smallest = Double.MAX_VALUE;
        for (int i = 1; i < sorted.length; i++) {
            double gap = sorted[i] - sorted[i - 1];
            if (gap > 1e-6) {
                smallest = Math.min(smallest, gap);
            }
        }
        return smallest == Double.MAX_VALUE ? 0.5 : Math.max(0.5, smallest / 2);
    }

    private static String round(double v) {
        double r = Math.round(v * 10) / 10.0;
        return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
    }
}
