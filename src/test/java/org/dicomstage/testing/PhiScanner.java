package org.dicomstage.testing;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds planted identifying strings anywhere in a dataset: every value at every depth, public, private and
 * UN alike (binary and UN values are searched as text in UTF-8 and ISO-8859-1). Numeric-looking PHI (dates,
 * times, UIDs) must equal a whole value; other PHI is searched case-insensitively inside values.
 */
public final class PhiScanner {

    private PhiScanner() {
    }

    /** Residue found: the planted string and the path of the attribute that still holds it. */
    public record Residue(String phi, String path, String value) {
    }

    public static List<Residue> residues(AttributeList list, Collection<String> phi) {
        Map<String, String> values = new LinkedHashMap<>();
        collect(list, "", values);
        List<Residue> found = new ArrayList<>();
        for (String planted : phi) {
            boolean numeric = planted.matches("[0-9.+\\-]+");
            String lower = planted.toLowerCase(Locale.ROOT);
            for (Map.Entry<String, String> entry : values.entrySet()) {
                String value = entry.getValue();
                boolean hit = false;
                if (numeric) {
                    for (String component : value.split("\\\\")) {
                        hit |= component.trim().replace("\0", "").equals(planted);
                    }
                } else {
                    hit = value.toLowerCase(Locale.ROOT).contains(lower);
                }
                if (hit) {
                    found.add(new Residue(planted, entry.getKey(), value));
                }
            }
        }
        return found;
    }

    /** Every value as text, keyed by its path. */
    public static Map<String, String> values(AttributeList list) {
        Map<String, String> values = new LinkedHashMap<>();
        collect(list, "", values);
        return values;
    }

    private static void collect(AttributeList list, String prefix, Map<String, String> values) {
        for (Attribute attribute : list.values()) {
            String name = DicomDictionary.StandardDictionary.getNameFromTag(attribute.getTag());
            String path = prefix + (name == null || attribute.getTag().isPrivate() ? attribute.getTag().toString()
                    : name);
            if (attribute instanceof SequenceAttribute sequence) {
                for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                    collect(sequence.getItem(i).getAttributeList(), path + "[" + i + "]/", values);
                }
                continue;
            }
            StringBuilder text = new StringBuilder();
            try {
                String[] strings = attribute.getStringValues();
                if (strings != null) {
                    text.append(String.join("\\", strings));
                }
            } catch (DicomException | RuntimeException ignored) {
                // Binary VRs have no string form; their bytes are searched below.
            }
            String vr = attribute.getVRAsString();
            if (vr.startsWith("O") || "UN".equals(vr)) {
                try {
                    byte[] bytes = attribute.getByteValues();
                    if (bytes != null && bytes.length < 1_000_000) {
                        text.append('\\').append(new String(bytes, StandardCharsets.UTF_8)).append('\\')
                                .append(new String(bytes, StandardCharsets.ISO_8859_1));
                    }
                } catch (DicomException | RuntimeException ignored) {
                    // Values that cannot be read as bytes cannot carry text either.
                }
            }
            values.put(path, text.toString());
        }
    }
}
