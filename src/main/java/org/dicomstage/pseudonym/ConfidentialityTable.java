package org.dicomstage.pseudonym;

import com.pixelmed.dicom.AttributeTag;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * PS3.15 Table E.1-1 as read from {@code confidentiality-profile-attributes.tsv}: per attribute, the Basic Profile
 * action and each Option's cell (K or C), exactly as the standard writes them, and the edition they come from.
 * The file is the single place to review and diff the rules; {@link ProfileRules} resolves them for a profile.
 */
final class ConfidentialityTable {

    /** The Options of PS3.15 E.3 that are columns of Table E.1-1, with their CID 7050 code and meaning. */
    enum Option {
        SAFE_PRIVATE("safePrivate", "113111", "Retain Safe Private Option"),
        UIDS("uids", "113110", "Retain UIDs Option"),
        DEVICE("device", "113109", "Retain Device Identity Option"),
        INSTITUTION("institution", "113112", "Retain Institution Identity Option"),
        PATIENT("patient", "113108", "Retain Patient Characteristics Option"),
        FULL_DATES("fullDates", "113106", "Retain Longitudinal Temporal Information Full Dates Option"),
        MODIFIED_DATES("modifiedDates", "113107",
                "Retain Longitudinal Temporal Information Modified Dates Option"),
        DESCRIPTORS("descriptors", "113105", "Clean Descriptors Option"),
        STRUCTURED_CONTENT("structured", "113104", "Clean Structured Content Option"),
        GRAPHICS("graphics", "113103", "Clean Graphics Option");

        final String column;
        final String code;
        final String meaning;

        Option(String column, String code, String meaning) {
            this.column = column;
            this.code = code;
            this.meaning = meaning;
        }
    }

    /** A resolved action; {@code RECURSE} keeps a sequence and applies the rules inside its items. */
    enum Action {
        DUMMY, EMPTY, REMOVE, KEEP, MAP_UID, RECURSE
    }

    /**
     * One row. {@code tag} is null for the rows that stand for a range ({@code 50XX,XXXX}, {@code 60XX,3000},
     * {@code GGGG,EEEE}); {@code tagText} is the tag column as written.
     *
     * @param options the Options whose cell is not empty, with that cell: 'K' or 'C'
     */
    record Rule(AttributeTag tag, String tagText, String keyword, String basic, Map<Option, Character> options) {

        /** The Option's cell: 'K', 'C', or 0 where the standard leaves it empty. */
        char cell(Option option) {
            Character cell = options.get(option);
            return cell == null ? 0 : cell;
        }

        /**
         * Resolves a compound basic action (X/Z, X/D, Z/D, X/Z/D, X/Z/U*) without knowing the IOD's type for
         * the attribute: the strictest choice that is still valid for every type it allows.
         */
        Action basicAction(boolean sequence) {
            if (basic.contains("U")) {
                return sequence ? Action.RECURSE : Action.MAP_UID;
            }
            if (sequence) {
                // A dummy item cannot be made up; an empty sequence is valid wherever Z is allowed.
                return basic.contains("Z") ? Action.EMPTY : basic.equals("K") ? Action.RECURSE : Action.REMOVE;
            }
            if (basic.contains("D")) {
                return Action.DUMMY;
            }
            if (basic.contains("Z")) {
                return Action.EMPTY;
            }
            return basic.equals("K") ? Action.KEEP : Action.REMOVE;
        }
    }

    private static final String RESOURCE = "confidentiality-profile-attributes.tsv";
    private static final Pattern TAG = Pattern.compile("[0-9A-F]{4},[0-9A-F]{4}|50XX,XXXX|60XX,[0-9A-F]{4}|GGGG,EEEE");
    private static final Pattern BASIC = Pattern.compile("[DZXKU](/[DZXKU]\\*?)*");
    private static final Pattern EDITION = Pattern.compile("#\\s*edition:\\s*(\\S+)\\s*");
    private static final ConfidentialityTable STANDARD = load();

    private final String edition;
    private final List<Rule> rows;
    private final Map<AttributeTag, Rule> rules;
    private final Map<Integer, Rule> overlayRules;
    private final Rule curveRule;

    private ConfidentialityTable(String edition, List<Rule> rows) {
        this.edition = edition;
        this.rows = List.copyOf(rows);
        Map<AttributeTag, Rule> byTag = new HashMap<>();
        Map<Integer, Rule> overlays = new HashMap<>();
        Rule curve = null;
        for (Rule rule : rows) {
            if (rule.tag() != null) {
                byTag.put(rule.tag(), rule);
            } else if (rule.tagText().startsWith("60XX,")) {
                overlays.put(Integer.parseInt(rule.tagText().substring(5), 16), rule);
            } else if (rule.tagText().startsWith("50XX,")) {
                curve = rule;
            }
        }
        this.rules = Map.copyOf(byTag);
        this.overlayRules = Map.copyOf(overlays);
        this.curveRule = curve;
    }

    static ConfidentialityTable standard() {
        return STANDARD;
    }

    /** The edition of PS3.15 the table reproduces, e.g. {@code 2024b}. */
    String edition() {
        return edition;
    }

    /** Every row in the file's order, including the range rows. */
    Collection<Rule> rules() {
        return rows;
    }

    /** The rule for a public tag, including the repeating curve (50xx) and overlay (60xx) groups; null if none. */
    Rule rule(AttributeTag tag) {
        Rule rule = rules.get(tag);
        if (rule != null) {
            return rule;
        }
        int group = tag.getGroup();
        if (group >= 0x5000 && group <= 0x501E && (group & 1) == 0) {
            return curveRule;
        }
        if (group >= 0x6000 && group <= 0x601E && (group & 1) == 0) {
            return overlayRules.get(tag.getElement());
        }
        return null;
    }

    private static ConfidentialityTable load() {
        List<Rule> rows = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String edition = null;
        Option[] options = Option.values();
        try (InputStream in = ConfidentialityTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                var editionLine = EDITION.matcher(line);
                if (editionLine.matches()) {
                    edition = editionLine.group(1);
                    continue;
                }
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t", -1);
                if (columns.length != 3 + options.length || !TAG.matcher(columns[0]).matches()
                        || !BASIC.matcher(columns[2]).matches()) {
                    throw new IllegalStateException(RESOURCE + " line " + number + " is malformed: " + line);
                }
                Map<Option, Character> cells = new EnumMap<>(Option.class);
                for (int i = 0; i < options.length; i++) {
                    String cell = columns[3 + i];
                    if (cell.equals("K") || cell.equals("C")) {
                        cells.put(options[i], cell.charAt(0));
                    } else if (!cell.equals("-")) {
                        throw new IllegalStateException(RESOURCE + " line " + number + ": " + options[i].column
                                + " must be K, C or -, is " + cell);
                    }
                }
                AttributeTag tag = columns[0].matches("[0-9A-F]{4},[0-9A-F]{4}")
                        ? new AttributeTag(Integer.parseInt(columns[0].substring(0, 4), 16),
                                Integer.parseInt(columns[0].substring(5), 16))
                        : null;
                if (seen.put(columns[0], number) != null) {
                    throw new IllegalStateException(RESOURCE + " line " + number + " repeats " + columns[0]);
                }
                rows.add(new Rule(tag, columns[0], columns[1], columns[2], Map.copyOf(cells)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        if (edition == null) {
            throw new IllegalStateException(RESOURCE + " names no edition ('# edition: ...')");
        }
        return new ConfidentialityTable(edition, rows);
    }
}
