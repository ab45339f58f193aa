package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.StringAttributeAffectedBySpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;

import java.io.UnsupportedEncodingException;

import static org.dicomstage.pseudonym.Attributes.addValue;
import static org.dicomstage.pseudonym.Attributes.iterable;
import static org.dicomstage.pseudonym.Attributes.joined;
import static org.dicomstage.pseudonym.Attributes.keyword;
import static org.dicomstage.pseudonym.Attributes.newAttribute;
import static org.dicomstage.pseudonym.Attributes.strings;
import static org.dicomstage.pseudonym.Attributes.tagText;

/**
 * Makes sure every text of a pseudonymized dataset is written as it reads. PixelMed decodes every character set
 * it knows, but cannot encode all of them: ISO 2022 IR 87 (Japanese) and others come out as "?". A dataset with a
 * value its declared character set cannot write is written in UTF-8 (ISO_IR 192) instead, which holds any text
 * PixelMed decoded; a value that could not even be decoded fails the object, naming the value's attribute.
 */
final class TextEncoding {

    private static final String UTF_8 = "ISO_IR 192";

    private TextEncoding() {
    }

    /** A value that would not come back as it is; {@code undecodable} when it never was read right. */
    private record Unwritable(String path, String charset, boolean undecodable) {
    }

    static void ensureWritable(AttributeList out, Run run) {
        Unwritable first = find(out, "", "");
        if (first == null) {
            return;
        }
        if (first.undecodable()) {
            throw run.fail(first.path() + " holds characters that could not be decoded from " + first.charset());
        }
        String declared = joined(out.get(TagFromName.SpecificCharacterSet)).trim();
        SpecificCharacterSet utf8 = new SpecificCharacterSet(new String[] {UTF_8});
        transcode(out, utf8);
        Attribute declaration = newAttribute(TagFromName.SpecificCharacterSet, ValueRepresentation.CS, null);
        addValue(declaration, UTF_8);
        out.put(declaration);
        Unwritable left = find(out, "", "");
        if (left != null) {
            throw run.fail(left.path() + " cannot be written back in " + left.charset());
        }
        run.entries.add(new DryRunReport.Entry(keyword(TagFromName.SpecificCharacterSet),
                tagText(TagFromName.SpecificCharacterSet), keyword(TagFromName.SpecificCharacterSet),
                DryRunReport.Action.SET, first.path() + " cannot be written in " + first.charset()
                        + ": every text written in UTF-8", declared, UTF_8));
    }

    private static Unwritable find(AttributeList list, String parentPath, String inherited) {
        Attribute declaration = list.get(TagFromName.SpecificCharacterSet);
        String declared = declaration == null ? inherited : joined(declaration).trim();
        for (Attribute attribute : list.values()) {
            if (attribute instanceof SequenceAttribute sequence) {
                int index = 0;
                for (SequenceItem item : iterable(sequence)) {
                    Unwritable found = find(item.getAttributeList(),
                            parentPath + keyword(attribute.getTag()) + "[" + index++ + "]/", declared);
                    if (found != null) {
                        return found;
                    }
                }
            } else if (attribute instanceof StringAttributeAffectedBySpecificCharacterSet text) {
                for (String value : strings(attribute)) {
                    Unwritable found = check(value, text.getSpecificCharacterSet(),
                            parentPath + keyword(attribute.getTag()), declared);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    private static Unwritable check(String value, SpecificCharacterSet charset, String path, String declared) {
        if (StudyAttributes.asciiInEveryCharacterSet(value)) {
            return null;
        }
        String name = declared.isEmpty() ? "the default repertoire (ISO_IR 6)" : declared;
        if (value.indexOf('\uFFFD') >= 0) {
            return new Unwritable(path, name, true);
        }
        if (charset == null) {
            return value.chars().allMatch(c -> c < 0x80) ? null : new Unwritable(path, name, false);
        }
        try {
            byte[] bytes = charset.translateStringToByteArray(value);
            return value.equals(charset.translateByteArrayToString(bytes, 0, bytes.length)) ? null
                    : new Unwritable(path, name, false);
        } catch (UnsupportedEncodingException e) {
            return new Unwritable(path, name, false);
        }
    }

    /** Every text attribute at every depth rewritten in UTF-8; source attributes are replaced, never changed. */
    private static void transcode(AttributeList list, SpecificCharacterSet utf8) {
        for (Attribute attribute : list.values().toArray(new Attribute[0])) {
            if (attribute instanceof SequenceAttribute sequence) {
                for (SequenceItem item : iterable(sequence)) {
                    transcode(item.getAttributeList(), utf8);
                }
            } else if (attribute instanceof StringAttributeAffectedBySpecificCharacterSet) {
                Attribute copy = newAttribute(attribute.getTag(), attribute.getVR(), utf8);
                for (String value : strings(attribute)) {
                    addValue(copy, value);
                }
                list.put(copy);
            }
        }
        if (list.get(TagFromName.SpecificCharacterSet) != null) {
            Attribute declaration = newAttribute(TagFromName.SpecificCharacterSet, ValueRepresentation.CS, null);
            addValue(declaration, UTF_8);
            list.put(declaration);
        }
    }
}
