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
        super(TagFromName.PixelData);
        if (!value.copyableVerbatim()) {
            throw new IllegalArgumentException("pixel data cannot be copied verbatim");
        }
        this.value = value;
        this.vr = value.vr() != null ? ValueRepresentation.getValueRepresentationFromString(value.vr())
                : bitsAllocated > 8 ? ValueRepresentation.OW : ValueRepresentation.OB;
        this.valueLength = value.nativeLength();
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
        value.writeNativeValue(out);
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
