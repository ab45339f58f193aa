package org.dicomstage.pseudonym;

import com.pixelmed.dicom.AttributeTag;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * PS3.15 Table E.1-1 as read from {@code annex-e-basic-profile.tsv}: per attribute, the Basic Profile action
 * and the Options that retain or clean it. The file is the single place to review and diff the rules.
 */
final class ConfidentialityTable {

    /** The Options of Table E.1-1 that this table's last column can name. */
    enum Option {
        DATES, PATIENT, DEVICE, INSTITUTION, DESCRIPTORS
    }

    /** A resolved action; {@code RECURSE} keeps a sequence and applies the rules inside its items. */
    enum Action {
        DUMMY, EMPTY, REMOVE, KEEP, MAP_UID, RECURSE
    }

    record Rule(AttributeTag tag, String keyword, String basic, Set<Option> options) {

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

    private static final String RESOURCE = "annex-e-basic-profile.tsv";
    private static final ConfidentialityTable STANDARD = load();

    private final Map<AttributeTag, Rule> rules;

    private ConfidentialityTable(Map<AttributeTag, Rule> rules) {
        this.rules = Map.copyOf(rules);
    }

    static ConfidentialityTable standard() {
        return STANDARD;
    }

    Collection<Rule> rules() {
        return rules.values();
    }

    /** The rule for a public tag, including the repeating curve (50xx) and overlay (60xx) groups; null if none. */
    Rule rule(AttributeTag tag) {
        Rule rule = rules.get(tag);
        if (rule != null) {
            return rule;
        }
        int group = tag.getGroup();
        if (group >= 0x5000 && group <= 0x501E && (group & 1) == 0) {
            return new Rule(tag, "CurveData", "X", Set.of());
        }
        if (group >= 0x6000 && group <= 0x601E && (group & 1) == 0
                && (tag.getElement() == 0x3000 || tag.getElement() == 0x4000)) {
            return new Rule(tag, tag.getElement() == 0x3000 ? "OverlayData" : "OverlayComments", "X", Set.of());
        }
        return null;
    }

    private static ConfidentialityTable load() {
        Map<AttributeTag, Rule> rules = new HashMap<>();
        try (InputStream in = ConfidentialityTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                String[] columns = text.split("\\s+");
                if (columns.length != 4 || !columns[0].matches("[0-9A-F]{4},[0-9A-F]{4}")
                        || !columns[2].matches("[DZXKU](/[DZXKU]\\*?)*")) {
                    throw new IllegalStateException(RESOURCE + " line " + number + " is malformed: " + line);
                }
                AttributeTag tag = new AttributeTag(Integer.parseInt(columns[0].substring(0, 4), 16),
                        Integer.parseInt(columns[0].substring(5), 16));
                Set<Option> options = EnumSet.noneOf(Option.class);
                if (!columns[3].equals("-")) {
                    for (String option : columns[3].split(",")) {
                        options.add(Option.valueOf(option.toUpperCase(Locale.ROOT)));
                    }
                }
                if (rules.put(tag, new Rule(tag, columns[1], columns[2], Set.copyOf(options))) != null) {
                    throw new IllegalStateException(RESOURCE + " line " + number + " repeats " + columns[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return new ConfidentialityTable(rules);
    }
}
