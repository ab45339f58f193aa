package org.dicomstage.dicom;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;

/**
 * The DICOM JSON model (PS3.18 F.2) as QIDO-RS, WADO-RS metadata and STOW-RS responses use it.
 *
 * <p>Our own conversion rather than PixelMed's {@code JSONRepresentationOfDicomObjectFactory}: that one
 * rejects AT values in the standard {@code "GGGGEEEE"} form (for example RTDOSE's FrameIncrementPointer),
 * which would make RT headers unreadable.
 */
final class DicomJson {

    private DicomJson() {
    }

    /** The JSON object key of a tag: eight upper-case hex digits. */
    static String key(AttributeTag tag) {
        return String.format("%04X%04X", tag.getGroup(), tag.getElement());
    }

    /** A tag PixelMed's dictionary knows but {@link TagFromName} lacks (the Debian build misses some RT ones). */
    static AttributeTag tag(String keyword) {
        return DicomTags.byKeyword(keyword);
    }

    /** The first value of an attribute as a string (Alphabetic group for PN), or "" when absent or empty. */
    static String string(JsonNode dataset, AttributeTag tag) {
        List<String> values = strings(dataset, tag);
        return values.isEmpty() ? "" : values.get(0);
    }

    /** All values of an attribute as strings; PN values as their Alphabetic group. */
    static List<String> strings(JsonNode dataset, AttributeTag tag) {
        JsonNode values = dataset.path(key(tag)).path("Value");
        List<String> result = new ArrayList<>();
        for (JsonNode value : values) {
            if (value.isObject()) {
                result.add(value.path("Alphabetic").asText(""));
            } else if (value.isNull()) {
                result.add("");
            } else {
                result.add(value.asText());
            }
        }
        return result;
    }

    /** The first value as an int, or {@code absent} when missing or not a number. */
    static int integer(JsonNode dataset, AttributeTag tag, int absent) {
        String value = string(dataset, tag).trim();
        if (value.isEmpty()) {
            return absent;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return absent;
        }
    }

    /** The items of a sequence attribute; empty when absent. */
    static List<JsonNode> items(JsonNode dataset, AttributeTag tag) {
        List<JsonNode> result = new ArrayList<>();
        dataset.path(key(tag)).path("Value").forEach(result::add);
        return result;
    }

    /**
     * One DICOM JSON object as a PixelMed list. Attributes given by BulkDataURI are left out: they are what
     * the metadata request avoided fetching (PixelData and the like).
     */
    static AttributeList toAttributeList(JsonNode dataset) throws DicomException {
        List<String> charsets = strings(dataset, TagFromName.SpecificCharacterSet);
        SpecificCharacterSet characterSet = charsets.isEmpty() ? null
                : new SpecificCharacterSet(charsets.toArray(String[]::new));
        return toAttributeList(dataset, characterSet);
    }

    private static AttributeList toAttributeList(JsonNode dataset, SpecificCharacterSet characterSet)
            throws DicomException {
        AttributeList list = new AttributeList();
        Iterator<Map.Entry<String, JsonNode>> fields = dataset.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            Attribute attribute = toAttribute(parseTag(field.getKey()), field.getValue(), characterSet);
            if (attribute != null) {
                list.put(attribute);
            }
        }
        return list;
    }

    private static Attribute toAttribute(AttributeTag tag, JsonNode element, SpecificCharacterSet characterSet)
            throws DicomException {
        if (element.has("BulkDataURI")) {
            return null;
        }
        String vr = element.path("vr").asText("");
        if (vr.length() != 2) {
            throw new DicomException("attribute " + tag + " has no valid vr: " + element.path("vr"));
        }
        byte[] vrBytes = vr.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (vr.equals("SQ")) {
            SequenceAttribute sequence = new SequenceAttribute(tag);
            for (JsonNode item : element.path("Value")) {
                sequence.addItem(toAttributeList(item, characterSet));
            }
            return sequence;
        }
        Attribute attribute = AttributeFactory.newAttribute(tag, vrBytes, characterSet);
        if (element.has("InlineBinary")) {
            byte[] bytes = Base64.getDecoder().decode(element.get("InlineBinary").asText());
            attribute.setValues(bytes, false);
            return attribute;
        }
        for (JsonNode value : element.path("Value")) {
            addValue(attribute, vr, value);
        }
        return attribute;
    }

    private static void addValue(Attribute attribute, String vr, JsonNode value) throws DicomException {
        if (value.isNull()) {
            attribute.addValue("");
            return;
        }
        switch (vr) {
            case "PN" -> attribute.addValue(personName(value));
            case "AT" -> {
                AttributeTag referenced = parseTag(value.asText());
                ((AttributeTagAttribute) attribute).addValue(referenced.getGroup(), referenced.getElement());
            }
            // Numbers too: PixelMed's binary attributes parse strings, which avoids a lossy int/double detour.
            default -> attribute.addValue(value.asText());
        }
    }

    /** PN in JSON is an object of component groups; DICOM joins them with '='. */
    private static String personName(JsonNode value) {
        if (!value.isObject()) {
            return value.asText();
        }
        String alphabetic = value.path("Alphabetic").asText("");
        String ideographic = value.path("Ideographic").asText("");
        String phonetic = value.path("Phonetic").asText("");
        if (!phonetic.isEmpty()) {
            return alphabetic + "=" + ideographic + "=" + phonetic;
        }
        if (!ideographic.isEmpty()) {
            return alphabetic + "=" + ideographic;
        }
        return alphabetic;
    }

    private static AttributeTag parseTag(String key) throws DicomException {
        if (key.length() != 8) {
            throw new DicomException("not a DICOM JSON tag key: " + key);
        }
        try {
            return new AttributeTag(Integer.parseInt(key.substring(0, 4), 16), Integer.parseInt(key.substring(4), 16));
        } catch (NumberFormatException e) {
            throw new DicomException("not a DICOM JSON tag key: " + key);
        }
    }
}
