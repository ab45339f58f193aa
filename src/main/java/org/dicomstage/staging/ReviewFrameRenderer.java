package org.dicomstage.staging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;

import javax.imageio.ImageIO;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.display.ConsumerFormatImageMaker;
import com.pixelmed.display.SourceImage;

/**
 * One frame as an 8-bit PNG, windowed by PixelMed ({@link ConsumerFormatImageMaker}: modality rescale, VOI window,
 * sign and photometric interpretation as the object declares them). Rendered PNGs are kept in memory up to a byte
 * bound, least recently used first out, so scrolling back and forth renders each frame and window once.
 */
final class ReviewFrameRenderer {

    private final long maxBytes;
    private final LinkedHashMap<String, byte[]> pngs = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    ReviewFrameRenderer(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The cached PNG for {@code key}, or null. */
    synchronized byte[] cached(String key) {
        return pngs.get(key);
    }

    byte[] render(String key, Path file, int frame, ReviewImages.Window window) throws IOException, DicomException {
        byte[] cached = cached(key);
        if (cached != null) {
            return cached;
        }
        AttributeList list = new AttributeList();
        list.read(file.toString());
        if (window.center() != null) {
            DecimalStringAttribute center = new DecimalStringAttribute(TagFromName.WindowCenter);
            center.addValue(window.center());
            DecimalStringAttribute width = new DecimalStringAttribute(TagFromName.WindowWidth);
            width.addValue(window.width());
            ConsumerFormatImageMaker.replaceWindowWidthAndCenterInAttributeList(list, center, width);
        } else if (window.fullRange()) {
            // Without a stored window PixelMed windows over the frame's own minimum and maximum.
            list.remove(TagFromName.WindowCenter);
            list.remove(TagFromName.WindowWidth);
            list.remove(TagFromName.VOILUTSequence);
        }
        BufferedImage image = ConsumerFormatImageMaker.makeEightBitFrame(new SourceImage(list), frame);
        if (image == null) {
            throw new DicomException("PixelMed made no image of frame " + frame);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        byte[] png = out.toByteArray();
        store(key, png);
        return png;
    }

    private synchronized void store(String key, byte[] png) {
        byte[] old = pngs.put(key, png);
        bytes += png.length - (old == null ? 0 : old.length);
        // Through the entries: a get() on an access-ordered map during iteration would reorder it.
        var entries = pngs.entrySet().iterator();
        while (bytes > maxBytes && entries.hasNext()) {
            var oldest = entries.next();
            if (!oldest.getKey().equals(key)) {
                bytes -= oldest.getValue().length;
                entries.remove();
            }
        }
    }
}
