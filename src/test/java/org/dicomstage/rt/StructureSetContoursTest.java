package org.dicomstage.rt;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.geom.Path2D;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.rt.StructureSetContours.Contour;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The structure set of the shared RT set on its own CT: every contour lies in the plane of the slice it names, and
 * mapped to pixels the BODY contour follows the patient's outline in that slice's pixels: tissue inside, air outside.
 * A mapping that swapped rows and columns, or the two spacings, or missed the image position would not.
 */
class StructureSetContoursTest {

    private static List<Contour> contours;
    private static final Map<String, AttributeList> ct = new HashMap<>();

    @BeforeAll
    static void read() throws Exception {
        AttributeList rs = new AttributeList();
        rs.read(SharedData.rtSet().resolve("RS.dcm").toString());
        contours = StructureSetContours.read(rs);
        try (Stream<Path> files = Files.list(SharedData.rtSet().resolve("CT"))) {
            for (Path file : files.toList()) {
                AttributeList list = new AttributeList();
                list.read(file.toString());
                ct.put(Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID), list);
            }
        }
    }

    @Test
    void readsEveryContourWithItsRoiColourAndImage() {
        assertThat(contours).hasSize(13);
        assertThat(contours).extracting(Contour::roiName).containsOnly("BODY", "PAROTID_LT", "PTV");
        assertThat(contours).filteredOn(c -> c.roiName().equals("BODY")).hasSize(5)
                .allMatch(c -> c.color().equals("#00ff00"));
        assertThat(contours).extracting(Contour::referencedSopInstanceUid).allMatch(ct::containsKey);
        assertThat(contours).allMatch(c -> c.geometricType().equals("CLOSED_PLANAR") && c.pointCount() > 2);
    }

    @Test
    void everyContourLiesInThePlaneOfTheSliceItNames() {
        for (Contour c : contours) {
            ImagePlane plane = ImagePlane.of(ct.get(c.referencedSopInstanceUid())).orElseThrow();
            double[] p = c.points();
            for (int i = 0; i < p.length; i += 3) {
                assertThat(Math.abs(plane.distance(p[i], p[i + 1], p[i + 2]))).as(c.roiName()).isLessThan(0.01);
                double[] pixel = plane.toPixel(p[i], p[i + 1], p[i + 2]);
                assertThat(pixel[0]).as("column").isBetween(-0.5, plane.columns() - 0.5);
                assertThat(pixel[1]).as("row").isBetween(-0.5, plane.rows() - 0.5);
            }
        }
    }

    @Test
    void theBodyContourFollowsThePatientsOutlineInThePixels() throws Exception {
        for (Contour body : contours.stream().filter(c -> c.roiName().equals("BODY")).toList()) {
            AttributeList image = ct.get(body.referencedSopInstanceUid());
            ImagePlane plane = ImagePlane.of(image).orElseThrow();
            Path2D outline = outline(plane, body);
            short[] pixels = image.get(TagFromName.PixelData).getShortValues();
            double slope = Attribute.getSingleDoubleValueOrDefault(image, TagFromName.RescaleSlope, 1);
            double intercept = Attribute.getSingleDoubleValueOrDefault(image, TagFromName.RescaleIntercept, 0);
            double inside = 0;
            double outside = 0;
            int in = 0;
            int out = 0;
            for (int row = 0; row < plane.rows(); row++) {
                for (int column = 0; column < plane.columns(); column++) {
                    double hu = (pixels[row * plane.columns() + column] & 0xffff) * slope + intercept;
                    if (outline.contains(column, row)) {
                        inside += hu;
                        in++;
                    } else {
                        outside += hu;
                        out++;
                    }
                }
            }
            // Soft tissue is around 0 HU and air -1000 HU; the table and the immobilisation mask lie outside too.
            assertThat(inside / in).as("mean HU inside BODY").isGreaterThan(-150);
            assertThat(outside / out).as("mean HU outside BODY").isLessThan(-850);
        }
    }

    private static Path2D outline(ImagePlane plane, Contour c) {
        Path2D.Double path = new Path2D.Double();
        double[] p = c.points();
        for (int i = 0; i < p.length; i += 3) {
            double[] pixel = plane.toPixel(p[i], p[i + 1], p[i + 2]);
            if (i == 0) {
                path.moveTo(pixel[0], pixel[1]);
            } else {
                path.lineTo(pixel[0], pixel[1]);
            }
        }
        path.closePath();
        return path;
    }
}
