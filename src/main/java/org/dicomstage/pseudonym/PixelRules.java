package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What happens to an object that may carry identity in its pixels (text burned in by a scanner, a planning system's
 * screenshot): the profile's {@code pixelData} rules, first match wins, then the {@link #DEFAULTS}, which no profile
 * can drop: only a rule of its own that matches first can allow or mask what they refuse. An object no rule matches
 * is copied with its pixels untouched.
 */
public final class PixelRules {

    /** What a rule does with a matching object. */
    public enum Action {
        /** Copy the pixels untouched: only ever by the profile's explicit choice, or when no rule matches. */
        ALLOW,
        /** The object fails, naming itself and the rule. */
        REFUSE,
        /** Black out the rule's rectangles, then declare BurnedInAnnotation NO and Clean Pixel Data. */
        MASK
    }

    /** A region in image-relative pixels: column {@code x}, row {@code y}, both from 0 at the top left. */
    public record Rectangle(int x, int y, int width, int height) {
        public Rectangle {
            if (x < 0 || y < 0 || width < 1 || height < 1) {
                throw new IllegalArgumentException("a rectangle needs x, y >= 0 and width, height >= 1: " + x + ","
                        + y + " " + width + "x" + height);
            }
        }

        boolean contains(int column, int row) {
            return column >= x && column < x + width && row >= y && row < y + height;
        }
    }

    /**
     * One rule. Every given criterion must hold; an absent one matches anything. Texts compare trimmed and ignoring
     * case; {@code burnedInAnnotation} "ABSENT" matches an object without the attribute.
     */
    public record Rule(String name, List<String> modalities, List<String> sopClasses, String burnedInAnnotation,
            String manufacturer, String model, Integer rows, Integer columns, Action action,
            List<Rectangle> rectangles) {

        public Rule {
            modalities = List.copyOf(modalities);
            sopClasses = List.copyOf(sopClasses);
            rectangles = List.copyOf(rectangles);
            if (action == Action.MASK && (rectangles.isEmpty() || rows == null || columns == null)) {
                throw new IllegalArgumentException("pixel rule '" + name + "': mask needs rows, columns and at least"
                        + " one rectangle (rectangles are given per device and image size)");
            }
            if (action != Action.MASK && !rectangles.isEmpty()) {
                throw new IllegalArgumentException("pixel rule '" + name + "': rectangles only apply to mask");
            }
            for (Rectangle r : rectangles) {
                if (r.x() + r.width() > columns || r.y() + r.height() > rows) {
                    throw new IllegalArgumentException("pixel rule '" + name + "': rectangle " + r
                            + " reaches outside the " + columns + "x" + rows + " image");
                }
            }
        }

        boolean matches(AttributeList header) {
            return oneOf(modalities, text(header, TagFromName.Modality))
                    && oneOf(sopClasses, text(header, TagFromName.SOPClassUID))
                    && burnedIn(header)
                    && (manufacturer == null || manufacturer.equalsIgnoreCase(text(header, TagFromName.Manufacturer)))
                    && (model == null || model.equalsIgnoreCase(text(header, TagFromName.ManufacturerModelName)))
                    && (rows == null || rows == Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Rows, -1))
                    && (columns == null
                            || columns == Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Columns, -1));
        }

        private boolean burnedIn(AttributeList header) {
            if (burnedInAnnotation == null) {
                return true;
            }
            String value = text(header, TagFromName.BurnedInAnnotation);
            return burnedInAnnotation.equalsIgnoreCase("ABSENT") ? value.isEmpty()
                    : burnedInAnnotation.equalsIgnoreCase(value);
        }

        private static boolean oneOf(List<String> allowed, String value) {
            return allowed.isEmpty() || allowed.stream().anyMatch(a -> a.equalsIgnoreCase(value));
        }
    }

    /** The decision for one object: the rule that matched (null when none did). */
    public record Decision(Action action, Rule rule) {
    }

    /** Every Secondary Capture class (PS3.4 B.5): screenshots and scanned documents, text in the pixels by nature. */
    static final List<String> SECONDARY_CAPTURE = List.of("1.2.840.10008.5.1.4.1.1.7",
            "1.2.840.10008.5.1.4.1.1.7.1", "1.2.840.10008.5.1.4.1.1.7.2", "1.2.840.10008.5.1.4.1.1.7.3",
            "1.2.840.10008.5.1.4.1.1.7.4");

    /** The floor under every profile's rules. */
    static final List<Rule> DEFAULTS = List.of(
            new Rule("default: BurnedInAnnotation YES", List.of(), List.of(), "YES", null, null, null, null,
                    Action.REFUSE, List.of()),
            new Rule("default: Secondary Capture", List.of(), SECONDARY_CAPTURE, null, null, null, null, null,
                    Action.REFUSE, List.of()));

    private static final Set<String> RULE_KEYS = Set.of("name", "match", "action", "rectangles");
    private static final Set<String> MATCH_KEYS = Set.of("modality", "sopClass", "burnedInAnnotation",
            "manufacturer", "model", "rows", "columns");
    private static final Set<String> RECTANGLE_KEYS = Set.of("x", "y", "width", "height");

    private final List<Rule> rules;

    private PixelRules(List<Rule> profileRules) {
        List<Rule> all = new ArrayList<>(profileRules);
        all.addAll(DEFAULTS);
        this.rules = List.copyOf(all);
    }

    /** The defaults alone. */
    public static PixelRules defaults() {
        return new PixelRules(List.of());
    }

    /** The profile's rules followed by the defaults. */
    public static PixelRules of(List<Rule> profileRules) {
        return new PixelRules(profileRules);
    }

    /** Every rule in the order they are tried, the defaults last. */
    public List<Rule> rules() {
        return rules;
    }

    /** Reads only the header: Modality, SOP Class, BurnedInAnnotation, Manufacturer, model, Rows and Columns. */
    public Decision decide(AttributeList header) {
        for (Rule rule : rules) {
            if (rule.matches(header)) {
                return new Decision(rule.action(), rule);
            }
        }
        return new Decision(Action.ALLOW, null);
    }

    /** Parses the YAML value of a profile's {@code pixelData} key: a list of rules. */
    static PixelRules parse(Object yaml) {
        if (yaml == null) {
            return defaults();
        }
        if (!(yaml instanceof List<?> entries)) {
            throw new IllegalArgumentException("pixelData must be a list of rules");
        }
        List<Rule> rules = new ArrayList<>();
        for (Object entry : entries) {
            Map<String, Object> rule = PseudonymizationProfile.map(entry, "pixelData rule", RULE_KEYS);
            String name = rule.get("name") == null ? "pixelData rule " + (rules.size() + 1)
                    : String.valueOf(rule.get("name")).trim();
            Map<String, Object> match = PseudonymizationProfile.map(rule.getOrDefault("match", Map.of()),
                    "pixelData rule '" + name + "' match", MATCH_KEYS);
            if (match.isEmpty()) {
                throw new IllegalArgumentException("pixelData rule '" + name + "' needs a match");
            }
            Action action = PseudonymizationProfile.enumValue(Action.class, rule.get("action"),
                    "pixelData rule '" + name + "' action");
            List<Rectangle> rectangles = new ArrayList<>();
            Object list = rule.getOrDefault("rectangles", List.of());
            if (!(list instanceof List<?> items)) {
                throw new IllegalArgumentException("pixelData rule '" + name + "' rectangles must be a list");
            }
            for (Object item : items) {
                Map<String, Object> r = PseudonymizationProfile.map(item, "rectangle of '" + name + "'",
                        RECTANGLE_KEYS);
                rectangles.add(new Rectangle(integer(r, "x", name), integer(r, "y", name), integer(r, "width", name),
                        integer(r, "height", name)));
            }
            rules.add(new Rule(name, texts(match.get("modality")), texts(match.get("sopClass")),
                    optionalText(match.get("burnedInAnnotation")), optionalText(match.get("manufacturer")),
                    optionalText(match.get("model")), optionalInteger(match.get("rows"), name),
                    optionalInteger(match.get("columns"), name), action, rectangles));
        }
        return new PixelRules(rules);
    }

    static String text(AttributeList header, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(header, tag).trim();
    }

    private static List<String> texts(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> String.valueOf(v).trim()).toList();
        }
        return List.of(String.valueOf(value).trim());
    }

    private static String optionalText(Object value) {
        if (value instanceof Boolean b) {
            return b ? "YES" : "NO"; // YAML 1.1 reads an unquoted YES or NO as a boolean
        }
        return value == null ? null : String.valueOf(value).trim().toUpperCase(Locale.ROOT).equals("ABSENT")
                ? "ABSENT" : String.valueOf(value).trim();
    }

    private static Integer optionalInteger(Object value, String rule) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Integer i) || i < 1) {
            throw new IllegalArgumentException("pixelData rule '" + rule + "': rows and columns must be positive"
                    + " whole numbers, are " + value);
        }
        return i;
    }

    private static int integer(Map<String, Object> map, String key, String rule) {
        if (!(map.get(key) instanceof Integer i)) {
            throw new IllegalArgumentException("pixelData rule '" + rule + "': rectangle " + key
                    + " must be a whole number, is " + map.get(key));
        }
        return i;
    }
}
