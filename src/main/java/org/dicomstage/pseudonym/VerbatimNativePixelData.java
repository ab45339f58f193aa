package org.dicomstage.pseudonym;

import java.io.IOException;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;

import org.dicomstage.dicom.PixelDataDigest;

/**
 * Native Pixel Data copied from the input file's bytes into the output as they were, in the same transfer
 * syntax: never parsed into words and written back. Pixel data is not ours to change, and decoding and
 * re-encoding half a megabyte per slice was most of the pseudonymizer's cost.
 */
final class VerbatimNativePixelData extends Attribute {

    private final PixelDataDigest.PixelValue value;
    private final byte[] vr;

    VerbatimNativePixelData(PixelDataDigest.PixelValue value, int bitsAllocated) {
        this(value, value.vr(), value.nativeLength(), bitsAllocated);
        if (!value.copyableVerbatim()) {
            throw new IllegalArgumentException("pixel data cannot be copied verbatim");
        }
    }

    /**
     * Writes the element's tag, VR and length only: the writer appends the value itself, copied from the input
     * file. Only for an output whose last element is this one.
     */
    static VerbatimNativePixelData headerOnly(PixelDataDigest.NativeRange range, int bitsAllocated) {
        return new VerbatimNativePixelData(null, range.vr(), range.length(), bitsAllocated);
    }

    private VerbatimNativePixelData(PixelDataDigest.PixelValue value, String vr, int length, int bitsAllocated) {
        super(TagFromName.PixelData);
        this.value = value;
        this.vr = vr != null ? ValueRepresentation.getValueRepresentationFromString(vr)
                : bitsAllocated > 8 ? ValueRepresentation.OW : ValueRepresentation.OB;
        this.valueLength = length;
        this.valueMultiplicity = 1;
    }

    @Override
    public byte[] getVR() {
        return vr;
    }

    @Override
    public long getPaddedVL() {
        return valueLength;
    }

    @Override
    public void write(DicomOutputStream out) throws DicomException, IOException {
        writeBase(out);
        if (value != null) {
            value.writeNativeValue(out);
        }
    }

    @Override
    public void removeValues() {
        throw new UnsupportedOperationException("verbatim pixel data is written as read");
    }

    @Override
    public String toString(com.pixelmed.dicom.DicomDictionary dictionary) {
        return super.toString(dictionary) + " [" + valueLength + " bytes, verbatim]";
    }
}
