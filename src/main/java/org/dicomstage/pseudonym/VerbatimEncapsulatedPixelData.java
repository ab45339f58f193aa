package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;

import java.io.IOException;
import java.util.List;

/**
 * Encapsulated Pixel Data written back exactly as it was stored: the Basic Offset Table item and every
 * fragment item, byte for byte. PixelMed, when it reads compressed pixel data without decompressing, merges
 * fragments per frame and re-pads them on output, which can change the bytes after a frame's end marker.
 */
final class VerbatimEncapsulatedPixelData extends Attribute {

    private static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;

    private final List<byte[]> items;

    VerbatimEncapsulatedPixelData(List<byte[]> items) {
        super(TagFromName.PixelData);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("encapsulated Pixel Data has at least the Basic Offset Table item");
        }
        this.items = List.copyOf(items);
        this.valueLength = UNDEFINED_LENGTH;
        this.valueMultiplicity = 1;
    }

    @Override
    public byte[] getVR() {
        return ValueRepresentation.OB;
    }

    @Override
    public long getPaddedVL() {
        return UNDEFINED_LENGTH;
    }

    @Override
    public void write(DicomOutputStream out) throws DicomException, IOException {
        if (!out.isExplicitVR() || out.isBigEndian()) {
            throw new DicomException("encapsulated Pixel Data needs an explicit VR little endian transfer syntax");
        }
        writeBase(out);
        for (byte[] item : items) {
            out.writeUnsigned16(0xFFFE);
            out.writeUnsigned16(0xE000);
            out.writeUnsigned32(item.length);
            out.write(item);
        }
        out.writeUnsigned16(0xFFFE);
        out.writeUnsigned16(0xE0DD);
        out.writeUnsigned32(0);
    }

    @Override
    public void removeValues() {
        throw new UnsupportedOperationException("verbatim pixel data is written as read");
    }

    @Override
    public String toString(com.pixelmed.dicom.DicomDictionary dictionary) {
        return super.toString(dictionary) + " [" + (items.size() - 1) + " fragment(s), verbatim]";
    }
}
