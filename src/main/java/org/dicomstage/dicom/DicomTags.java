package org.dicomstage.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;

/**
 * Tags by their DICOM keyword, for the keywords Debian's PixelMed has in its dictionary but not as
 * {@code TagFromName} constants (most RT attributes among them).
 */
public final class DicomTags {

    private DicomTags() {
    }

    /**
     * The tag of a DICOM keyword. An unknown keyword fails at once (and so fails class initialisation where it
     * is used for a constant): a misspelt keyword must not become an attribute that silently never matches.
     */
    public static AttributeTag byKeyword(String keyword) {
        AttributeTag tag = AttributeList.getDictionary().getTagFromName(keyword);
        if (tag == null) {
            throw new IllegalStateException("PixelMed's dictionary does not know the DICOM keyword " + keyword);
        }
        return tag;
    }
}
