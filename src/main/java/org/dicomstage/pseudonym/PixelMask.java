package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.display.ImageEditUtilities;
import com.pixelmed.display.SourceImage;

import java.awt.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Vector;

/**
 * Blacking out rectangles of an image with PixelMed's own pixel editing ({@link ImageEditUtilities#blackout}), and
 * the check that a masked copy equals its source everywhere else. Only native (uncompressed) pixel data is masked:
 * masking compressed data would mean re-encoding it, lossy for JPEG, so such an object is refused instead.
 */
public final class PixelMask {

    /** The Image Pixel module attributes blackout may rewrite along with Pixel Data. */
    private static final List<AttributeTag> PIXEL_MODULE = List.of(TagFromName.PixelData, TagFromName.Rows,
            TagFromName.Columns, TagFromName.BitsAllocated, TagFromName.BitsStored, TagFromName.HighBit,
            TagFromName.PixelRepresentation, TagFromName.SamplesPerPixel, TagFromName.PlanarConfiguration,
            TagFromName.PhotometricInterpretation);

    private PixelMask() {
    }

    /**
     * Reads the whole file, blacks out the rule's rectangles in every frame (with the smallest value the pixels can
     * hold) and returns the Image Pixel module attributes to put into the copy.
     */
    static List<Attribute> apply(Path in, PixelRules.Rule rule, String name) {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        String ts;
        try (InputStream stream = new BufferedInputStream(Files.newInputStream(in));
                DicomInputStream dicom = new DicomInputStream(stream)) {
            list.read(dicom);
            ts = dicom.getTransferSyntaxToReadDataSet().getUID();
        } catch (IOException | DicomException e) {
            throw new PseudonymizationException("cannot read " + name + " to mask its pixels: " + e.getMessage(), e);
        }
        if (new TransferSyntax(ts).isEncapsulated()) {
            throw new PseudonymizationException(name + ": pixel rule '" + rule.name() + "' masks, but the pixel data"
                    + " is compressed (" + ts + "); masking it would re-encode it, so the object is refused");
        }
        try {
            ImageEditUtilities.blackout(new SourceImage(list), list, shapes(rule), false, false, false, 0);
        } catch (DicomException | RuntimeException e) {
            throw new PseudonymizationException(name + ": cannot mask pixel data under rule '" + rule.name() + "': "
                    + e.getMessage(), e);
        }
        return PIXEL_MODULE.stream().map(list::get).filter(a -> a != null).toList();
    }

    /**
     * Compares the decoded pixels of a source and its masked copy: equal outside the rule's rectangles, one value
     * throughout inside each of them. Returns null when that holds, or what differs first.
     */
    public static String compare(AttributeList source, AttributeList masked, PixelRules.Rule rule) {
        SourceImage before;
        SourceImage after;
        try {
            before = new SourceImage(source);
            after = new SourceImage(masked);
        } catch (DicomException | RuntimeException e) {
            return "pixel data cannot be decoded for comparison: " + e.getMessage();
        }
        if (before.getNumberOfBufferedImages() != after.getNumberOfBufferedImages()) {
            return "number of frames: source " + before.getNumberOfBufferedImages() + ", copy "
                    + after.getNumberOfBufferedImages();
        }
        for (int frame = 0; frame < before.getNumberOfBufferedImages(); frame++) {
            String difference = compare(before.getBufferedImage(frame), after.getBufferedImage(frame), rule, frame);
            if (difference != null) {
                return difference;
            }
        }
        return null;
    }

    private static String compare(BufferedImage before, BufferedImage after, PixelRules.Rule rule, int frame) {
        Raster a = before.getRaster();
        Raster b = after.getRaster();
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight() || a.getNumBands() != b.getNumBands()) {
            return "frame " + (frame + 1) + ": image size or samples per pixel differ";
        }
        Integer[] fill = new Integer[rule.rectangles().size()];
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int inside = rectangleAt(rule, x, y);
                for (int band = 0; band < a.getNumBands(); band++) {
                    int sample = b.getSample(x, y, band);
                    if (inside < 0) {
                        if (sample != a.getSample(x, y, band)) {
                            return "frame " + (frame + 1) + ": pixel (" + x + "," + y + ") outside the masked"
                                    + " rectangles differs from the source";
                        }
                    } else if (fill[inside] == null) {
                        fill[inside] = sample;
                    } else if (fill[inside] != sample) {
                        return "frame " + (frame + 1) + ": rectangle " + rule.rectangles().get(inside)
                                + " is not blacked out";
                    }
                }
            }
        }
        return null;
    }

    private static int rectangleAt(PixelRules.Rule rule, int x, int y) {
        List<PixelRules.Rectangle> rectangles = rule.rectangles();
        for (int i = 0; i < rectangles.size(); i++) {
            if (rectangles.get(i).contains(x, y)) {
                return i;
            }
        }
        return -1;
    }

    private static Vector<Shape> shapes(PixelRules.Rule rule) {
        Vector<Shape> shapes = new Vector<>();
        for (PixelRules.Rectangle r : rule.rectangles()) {
            shapes.add(new java.awt.Rectangle(r.x(), r.y(), r.width(), r.height()));
        }
        return shapes;
    }
}
