package org.dicomstage.pseudonym;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cleans one free-text value (Clean Descriptors, SR text): removes every word that names a person of the object,
 * its IDs, dates, phone numbers, e-mail addresses, street addresses and post codes, and says what it removed.
 * Each removal leaves a placeholder such as {@code [name]}, so that a reviewer sees that something was there.
 * A value it cannot clean safely comes back as unsafe with the reason; the caller replaces it by a dummy.
 * Immutable and thread-safe; one instance serves every object that names the same people.
 */
final class FreeTextCleaner {

    /** What a removed span was. */
    enum Kind {
        NAME("[name]"), ID("[id]"), DATE("[date]"), PHONE("[phone]"), EMAIL("[e-mail]"), ADDRESS("[address]");

        final String placeholder;

        Kind(String placeholder) {
            this.placeholder = placeholder;
        }
    }

    /**
     * @param text    the cleaned value; {@code null} when it could not be cleaned safely
     * @param removed what was removed
     * @param unsafe  why the value could not be cleaned, or {@code null}
     */
    record Cleaned(String text, Set<Kind> removed, String unsafe) {

        Cleaned {
            removed = removed.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(removed));
        }

        boolean changed() {
            return unsafe != null || !removed.isEmpty();
        }
    }

    private record Detector(Pattern pattern, Kind kind, int group) {
    }

    private record Span(int start, int end, Kind kind) {
    }

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    private static final String B = "(?<![\\p{L}\\p{N}])";
    private static final String E = "(?![\\p{L}\\p{N}])";
    private static final Pattern IDEOGRAPHIC = Pattern.compile(
            "[\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}\\p{IsHangul}]");
    private static final String MONTH = "(?:jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|märz|apr(?:il)?|may|mai"
            + "|june?|juni|july?|juli|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?"
            + "|dec(?:ember)?|dez(?:ember)?)\\.?";

    /** Patterns that need no knowledge of the object, in the order of their precedence on overlaps. */
    private static final List<Detector> GENERIC = List.of(
            new Detector(Pattern.compile(B + "[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)+" + E,
                    FLAGS), Kind.EMAIL, 0),
            // "12 Main Street", "5a Baker St.", "221B Baker Street"
            new Detector(Pattern.compile(B + "\\d{1,5}[a-z]?\\s+(?:[\\p{L}'.-]+\\s+){0,3}(?:street|st|road|rd|avenue"
                    + "|ave|lane|ln|drive|boulevard|blvd|way|court|ct|place|pl|square|sq|terrace|close|crescent"
                    + "|highway|hwy|parkway)\\.?" + E, FLAGS), Kind.ADDRESS, 0),
            // "Hauptstraße 5", "Bahnhofstr. 12a", "Rue de Lyon 3" is not covered: it has no marker word
            new Detector(Pattern.compile(B + "[\\p{L}-]*(?:straße|strasse|str\\.|weg|gasse|allee|platz)\\s*\\d{1,4}"
                    + "[a-z]?" + E, FLAGS), Kind.ADDRESS, 0),
            new Detector(Pattern.compile(B + "p\\.?\\s?o\\.?\\s+box\\s+\\d+" + E, FLAGS), Kind.ADDRESS, 0),
            // UK post codes ("SW1A 1AA"), US state and ZIP ("MA 02134"), continental code and town ("10115 Berlin")
            new Detector(Pattern.compile(B + "[A-Z]{1,2}\\d[A-Z\\d]?\\s*\\d[A-Z]{2}" + E), Kind.ADDRESS, 0),
            new Detector(Pattern.compile(B + "[A-Z]{2}\\s+\\d{5}(?:-\\d{4})?" + E), Kind.ADDRESS, 0),
            new Detector(Pattern.compile(B + "(?:[A-Z]{1,2}-)?\\d{4,5}\\s+\\p{Lu}\\p{Ll}{2,}" + E), Kind.ADDRESS, 0),
            // 2024-01-31, 31.01.2024, 01/31/24, 20240131 (and DT values starting so), 31 Jan 2024, January 31, 2024
            new Detector(Pattern.compile("(?<![\\p{L}\\p{N}.])(?:19|20)\\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.]"
                    + "(?:0?[1-9]|[12]\\d|3[01])(?![\\p{L}\\p{N}]|\\.\\d)"), Kind.DATE, 0),
            new Detector(Pattern.compile("(?<![\\p{L}\\p{N}.])\\d{1,2}[-/.]\\d{1,2}[-/.](?:\\d{4}|\\d{2})"
                    + "(?![\\p{L}\\p{N}]|\\.\\d)"), Kind.DATE, 0),
            new Detector(Pattern.compile(B + "(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\d{0,6}"
                    + "(?:\\.\\d{1,6})?(?:[+-]\\d{4})?" + E), Kind.DATE, 0),
            new Detector(Pattern.compile(B + "\\d{1,2}(?:st|nd|rd|th)?\\.?\\s*" + MONTH + ",?\\s*(?:\\d{4}|\\d{2})?"
                    + E, FLAGS), Kind.DATE, 0),
            new Detector(Pattern.compile(B + MONTH + "\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}" + E, FLAGS),
                    Kind.DATE, 0),
            new Detector(Pattern.compile(B + MONTH + "\\s+\\d{4}" + E, FLAGS), Kind.DATE, 0),
            // A UID in text points at one object as surely as an ID does.
            new Detector(Pattern.compile(B + "\\d+(?:\\.\\d+){3,}" + E), Kind.ID, 0),
            // Names introduced by a title or a relation, even when no PN attribute of the object holds them.
            new Detector(Pattern.compile("(?<!\\p{L})(?:Dr|Mr|Mrs|Ms|Miss|Prof|Dres)\\.?\\s+(\\p{Lu}[\\p{L}'-]*\\.?"
                    + "(?:\\s+\\p{Lu}[\\p{L}'-]+)?)"), Kind.NAME, 1),
            new Detector(Pattern.compile("(?<!\\p{L})(?i:wife|husband|mother|father|son|daughter|brother|sister"
                    + "|partner|spouse|widow|widower)\\s+(\\p{Lu}\\p{Ll}+(?:\\s+\\p{Lu}\\p{Ll}+)?)"), Kind.NAME, 1));

    /** Digits grouped like a phone number; whether it is one is decided by {@link #looksLikePhone}. */
    private static final Pattern PHONE = Pattern.compile("(?<![\\p{L}\\p{N}.,])(?:\\+\\d{1,3}[\\s.-]?)?"
            + "(?:\\(\\d{1,5}\\)[\\s.-]?)?\\d{1,8}(?:[\\s./-]\\d{1,8}){0,5}(?![\\p{L}\\p{N}]|[.,]\\d)");
    private static final Pattern DECIMAL = Pattern.compile("\\d+\\.\\d+");
    private static final Pattern GROUP = Pattern.compile("\\d+");

    private final List<Detector> identifiers;

    private FreeTextCleaner(List<Detector> identifiers) {
        this.identifiers = identifiers;
    }

    /** Compiles the object's names and IDs into a few patterns; do it once per set of identifiers, not per value. */
    static FreeTextCleaner of(ObjectIdentifiers known) {
        List<Detector> detectors = new ArrayList<>();
        addWords(known.ids(), Kind.ID, detectors);
        addWords(known.names(), Kind.NAME, detectors);
        return new FreeTextCleaner(List.copyOf(detectors));
    }

    /** Everything: names, IDs, dates, phone numbers, e-mail and street addresses, post codes. */
    Cleaned clean(String value, int maxLength) {
        return clean(value, maxLength, true);
    }

    /**
     * Only this object's names and IDs: the safety net for text some option keeps verbatim, such as a device or
     * institution name, where numbers and dates are the point of the value.
     */
    Cleaned cleanNamesAndIds(String value, int maxLength) {
        return clean(value, maxLength, false);
    }

    private Cleaned clean(String value, int maxLength, boolean everything) {
        if (value == null || value.isEmpty()) {
            return new Cleaned(value == null ? "" : value, Set.of(), null);
        }
        if (value.indexOf('\uFFFD') >= 0) {
            return new Cleaned(null, Set.of(), "it holds characters that could not be decoded, so it cannot be read"
                    + " for names");
        }
        List<Span> spans = find(value, everything);
        if (spans.isEmpty()) {
            return new Cleaned(value, Set.of(), null);
        }
        Set<Kind> removed = EnumSet.noneOf(Kind.class);
        spans.forEach(s -> removed.add(s.kind()));
        String text = replace(value, spans, true);
        if (text.length() > maxLength) {
            // A span is at least two characters: one-character placeholders always fit where the value did.
            text = replace(value, spans, false);
        }
        // What a removal leaves can join into something new ("Alice" + "-" + "Wong"): look once more.
        String withoutPlaceholders = text;
        for (Kind kind : Kind.values()) {
            withoutPlaceholders = withoutPlaceholders.replace(kind.placeholder, " ");
        }
        withoutPlaceholders = withoutPlaceholders.replace('*', ' ');
        List<Span> left = find(withoutPlaceholders, everything);
        if (!left.isEmpty()) {
            return new Cleaned(null, removed, "a " + left.get(0).kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " is still there after cleaning");
        }
        if (text.length() > maxLength) {
            return new Cleaned(null, removed, "the cleaned value is longer than its VR allows");
        }
        return new Cleaned(text, removed, null);
    }

    private List<Span> find(String value, boolean everything) {
        List<Span> spans = new ArrayList<>();
        if (everything) {
            for (Detector detector : GENERIC) {
                collect(detector, value, spans);
            }
            Matcher phone = PHONE.matcher(value);
            while (phone.find()) {
                if (looksLikePhone(phone.group())) {
                    spans.add(new Span(phone.start(), phone.end(), Kind.PHONE));
                }
            }
        }
        for (Detector detector : identifiers) {
            collect(detector, value, spans);
        }
        return merge(spans, value);
    }

    private static void collect(Detector detector, String value, List<Span> into) {
        Matcher m = detector.pattern().matcher(value);
        while (m.find()) {
            if (m.end(detector.group()) > m.start(detector.group())) {
                into.add(new Span(m.start(detector.group()), m.end(detector.group()), detector.kind()));
            }
        }
    }

    /**
     * Seven digits and up, grouped as people write phone numbers: with a dash, slash, parenthesis or leading plus or
     * zero, with a group of four digits, or unbroken. "512 512 120" (a matrix and kV) is not one; "555-0199" is.
     */
    static boolean looksLikePhone(String candidate) {
        int digits = 0;
        for (int i = 0; i < candidate.length(); i++) {
            if (Character.isDigit(candidate.charAt(i))) {
                digits++;
            }
        }
        if (digits < 7 || DECIMAL.matcher(candidate).matches()) {
            return false;
        }
        if (candidate.matches(".*[-/(+].*") || candidate.startsWith("0") || candidate.matches("\\d+")) {
            return true;
        }
        Matcher group = GROUP.matcher(candidate);
        while (group.find()) {
            if (group.group().length() >= 4) {
                return true;
            }
        }
        return false;
    }

    /** Overlapping spans become one (the earlier detector's kind wins); neighbours of one kind across spaces too. */
    private static List<Span> merge(List<Span> spans, String value) {
        if (spans.isEmpty()) {
            return spans;
        }
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingInt(Span::start).thenComparing(s -> -s.end()));
        List<Span> merged = new ArrayList<>();
        Span current = sorted.get(0);
        for (Span next : sorted.subList(1, sorted.size())) {
            boolean overlaps = next.start() < current.end();
            boolean adjacentSameKind = next.kind() == current.kind()
                    && value.substring(current.end(), Math.max(current.end(), next.start())).isBlank();
            if (overlaps || adjacentSameKind) {
                current = new Span(current.start(), Math.max(current.end(), next.end()), current.kind());
            } else {
                merged.add(current);
                current = next;
            }
        }
        merged.add(current);
        return merged;
    }

    private static String replace(String value, List<Span> spans, boolean labelled) {
        StringBuilder out = new StringBuilder(value.length());
        int at = 0;
        for (Span span : spans) {
            out.append(value, at, span.start()).append(labelled ? span.kind().placeholder : "*");
            at = span.end();
        }
        return out.append(value, at, value.length()).toString();
    }

    /** One alternation per kind and script, longest first, so that "Mary Ann" wins over "Mary". */
    private static void addWords(Set<String> words, Kind kind, List<Detector> into) {
        List<String> alphabetic = new ArrayList<>();
        List<String> ideographic = new ArrayList<>();
        for (String word : words) {
            (IDEOGRAPHIC.matcher(word).find() ? ideographic : alphabetic).add(word);
        }
        Comparator<String> longestFirst = Comparator.comparingInt(String::length).reversed();
        if (!alphabetic.isEmpty()) {
            alphabetic.sort(longestFirst);
            into.add(new Detector(Pattern.compile(B + "(?:" + alternation(alphabetic) + ")" + E, FLAGS), kind, 0));
        }
        if (!ideographic.isEmpty()) {
            // CJK text has no spaces between words: a name is found wherever its characters stand.
            ideographic.sort(longestFirst);
            into.add(new Detector(Pattern.compile(alternation(ideographic)), kind, 0));
        }
    }

    private static String alternation(List<String> words) {
        StringBuilder pattern = new StringBuilder();
        for (String word : words) {
            if (!pattern.isEmpty()) {
                pattern.append('|');
            }
            pattern.append(Pattern.quote(word));
        }
        return pattern.toString();
    }
}
