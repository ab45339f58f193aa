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
import java.awt.image.Raster;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
     * throughout inside each of them. Returns null when that holds, or what differs.
     */
    public static String compare(AttributeList source, AttributeList masked, PixelRules.Rule rule) {
        String before = digestOutside(source, rule);
        String after = digestOutside(masked, rule);
        if (!before.equals(after)) {
            return before.startsWith("!") ? before.substring(1) : after.startsWith("!") ? after.substring(1)
                    : "pixels outside the masked rectangles differ from the source";
        }
        return notBlackedOut(masked, rule);
    }

    /**
     * SHA-256 over every decoded sample outside the rule's rectangles, frame by frame: what a source and its masked
     * copy must share. A value starting with "!" says why the pixels could not be decoded.
     */
    public static String digestOutside(AttributeList list, PixelRules.Rule rule) {
        MessageDigest sha = sha256();
        try {
            SourceImage image = new SourceImage(list);
            for (int frame = 0; frame < image.getNumberOfBufferedImages(); frame++) {
                Raster raster = image.getBufferedImage(frame).getRaster();
                update(sha, raster.getWidth(), raster.getHeight(), raster.getNumBands());
                for (int y = 0; y < raster.getHeight(); y++) {
                    for (int x = 0; x < raster.getWidth(); x++) {
                        if (rectangleAt(rule, x, y) < 0) {
                            for (int band = 0; band < raster.getNumBands(); band++) {
                                update(sha, raster.getSample(x, y, band));
                            }
                        }
                    }
                }
            }
        } catch (DicomException | RuntimeException e) {
            return "!pixel data cannot be decoded for comparison: " + e.getMessage();
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Null when every rectangle holds one value throughout, in every frame; otherwise the first that does not. */
    public static String notBlackedOut(AttributeList list, PixelRules.Rule rule) {
        try {
            SourceImage image = new SourceImage(list);
            for (int frame = 0; frame < image.getNumberOfBufferedImages(); frame++) {
                Raster raster = image.getBufferedImage(frame).getRaster();
                for (PixelRules.Rectangle r : rule.rectangles()) {
                    int fill = raster.getSample(r.x(), r.y(), 0);
                    for (int y = r.y(); y < r.y() + r.height(); y++) {
                        for (int x = r.x(); x < r.x() + r.width(); x++) {
                            for (int band = 0; band < raster.getNumBands(); band++) {
                                if (raster.getSample(x, y, band) != fill) {
                                    return "frame " + (frame + 1) + ": rectangle " + r + " is not blacked out";
                                }
                            }
                        }
                    }
                }
            }
        } catch (DicomException | RuntimeException e) {
            return "pixel data cannot be decoded for comparison: " + e.getMessage();
        }
        return null;
    }

    private static void update(MessageDigest sha, int... values) {
        for (int value : values) {
            sha.update((byte) (value >>> 24));
            sha.update((byte) (value >>> 16));
            sha.update((byte) (value >>> 8));
            sha.update((byte) value);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
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
