package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.UnknownAttribute;

import java.util.Locale;

/** PixelMed plumbing the package shares: making, reading and naming attributes without checked exceptions. */
final class Attributes {

    static final DicomDictionary DICTIONARY = DicomDictionary.StandardDictionary;

    private Attributes() {
    }

    static Attribute newAttribute(AttributeTag tag, byte[] vr, SpecificCharacterSet charset) {
        try {
            return charset == null ? AttributeFactory.newAttribute(tag, vr)
                    : AttributeFactory.newAttribute(tag, vr, charset);
        } catch (DicomException e) {
            throw new IllegalStateException("cannot create " + tagText(tag) + ": " + e.getMessage(), e);
        }
    }

    static Attribute putString(AttributeList list, AttributeTag tag, String value, SpecificCharacterSet charset) {
        byte[] vr = DICTIONARY.getValueRepresentationFromTag(tag);
        Attribute attribute = newAttribute(tag, vr, charset);
        if (value != null && !value.isEmpty()) {
            addValue(attribute, value);
        }
        list.put(attribute);
        return attribute;
    }

    static void addValue(Attribute attribute, String value) {
        try {
            attribute.addValue(value);
        } catch (DicomException e) {
            throw new IllegalStateException("cannot set " + tagText(attribute.getTag()) + ": " + e.getMessage(), e);
        }
    }

    static String[] strings(Attribute attribute) {
        if (attribute == null) {
            return new String[0];
        }
        try {
            String[] values = attribute.getStringValues();
            return values == null ? new String[0] : values;
        } catch (DicomException e) {
            return new String[0];
        }
    }

    static String[] original(Attribute attribute) {
        try {
            String[] values = attribute.getOriginalStringValues();
            return values == null ? new String[0] : values;
        } catch (DicomException e) {
            return new String[0];
        }
    }

    static String singleString(Attribute attribute) {
        String[] values = strings(attribute);
        return values.length == 0 ? "" : values[0].trim();
    }

    static String joined(Attribute attribute) {
        return String.join("\\", strings(attribute));
    }

    static Iterable<SequenceItem> iterable(SequenceAttribute sequence) {
        return sequence::iterator;
    }

    static String display(Attribute attribute) {
        if (attribute == null) {
            return "";
        }
        if (attribute instanceof SequenceAttribute sequence) {
            return sequence.getNumberOfItems() + " item(s)";
        }
        String vr = attribute.getVRAsString();
        if (vr.startsWith("O") || "UN".equals(vr) || attribute instanceof UnknownAttribute) {
            return "<" + attribute.getVL() + " bytes>";
        }
        return joined(attribute);
    }

    static String keyword(AttributeTag tag) {
        String name = DICTIONARY.getNameFromTag(tag);
        return name == null ? tagText(tag) : name;
    }

    static String tagText(AttributeTag tag) {
        // Not String.format: this names every private attribute of every file.
        return "(" + hex4(tag.getGroup()) + "," + hex4(tag.getElement()) + ")";
    }

    private static String hex4(int value) {
        String hex = Integer.toHexString(value & 0xFFFF).toUpperCase(Locale.ROOT);
        return "0000".substring(hex.length()) + hex;
    }
}
