package org.dicomstage.pseudonym;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.pseudonym.ConfidentialityTable.Action;
import org.dicomstage.pseudonym.ConfidentialityTable.Option;
import org.dicomstage.pseudonym.ConfidentialityTable.Rule;
import org.dicomstage.pseudonym.PseudonymizationProfile.Dates;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Table E.1-1 resolved under one profile: for a public attribute, what happens to it and why. An Option the
 * profile turns on overrides the Basic Profile where its column has a cell (PS3.15 E.1.1): K keeps, C keeps what a
 * cleaner can make safe. Where two applied Options disagree, K wins, since an attribute an Option retains shall be
 * retained. A C this package cannot carry out for the attribute's VR falls back to the basic action. Knows nothing
 * of values; {@link AttributeActions} carries the decision out.
 */
final class ProfileRules {

    /** Keywords of UID attributes that name a class or coding scheme, never an instance: not mapped. */
    private static final Set<String> DEFINITIONAL_UID_KEYWORDS = Set.of("CodingSchemeUID", "ContextUID",
            "MappingResourceUID", "ReferencedTransferSyntaxUIDInFile", "TransferSyntaxUID");

    /** How a kept value is cleaned. */
    enum Clean {
        /** Kept as it is (text still passes the {@link TextCleaner}'s safety net). */
        NONE,
        /** A DA or DT moved by the subject's offset, at its own precision. */
        SHIFT_DATES,
        /** Free text through the {@link TextCleaner}. */
        TEXT,
        /** An AE title replaced by a keyed pseudonym: the same device keeps one name, which tells nothing. */
        AE_TITLE
    }

    /**
     * @param unknown the attribute is removed because neither the table nor the dictionary, or not its VR, says what
     *                it is: the run lists it by tag so that it never vanishes unnoticed
     */
    record Decision(Action action, String reason, Clean clean, boolean unknown) {

        Decision(Action action, String reason, Clean clean) {
            this(action, reason, clean, false);
        }
    }

    private final PseudonymizationProfile profile;
    private final ConfidentialityTable table;
    private final Set<Option> applied;
    private final boolean timezoneKept;

    ProfileRules(PseudonymizationProfile profile, ConfidentialityTable table) {
        this.profile = profile;
        this.table = table;
        this.applied = profile.options();
        this.timezoneKept = decide(TagFromName.TimezoneOffsetFromUTC, "TimezoneOffsetFromUTC", "SH", false, false)
                .action() == Action.KEEP;
    }

    /** The Options this profile applies, as columns of the table. */
    Set<Option> applied() {
        return applied;
    }

    /**
     * Whether Timezone Offset From UTC (0008,0201) stays: a DT's own offset suffix stays with it, and goes with it,
     * since the offset says where (in which time zone) the patient was.
     */
    boolean timezoneKept() {
        return timezoneKept;
    }

    boolean retainsUids() {
        return applied.contains(Option.UIDS);
    }

    /**
     * @param keyword    the dictionary keyword, or null when PixelMed's dictionary does not know the tag
     * @param unreadable the value arrived as UN, so it cannot be cleaned, shifted or mapped
     */
    Decision decide(AttributeTag tag, String keyword, String vr, boolean sequence, boolean unreadable) {
        if (sequence && !unreadable && tag.equals(TagFromName.VerifyingObserverSequence)) {
            // Type 1C in an SR marked VERIFIED: removing it invalidates the SR. Its items' own rows (observer name
            // and organization D, identification code Z, date-time D) make every value in it a dummy.
            return new Decision(Action.RECURSE, "basic D: items get dummy values", Clean.NONE);
        }
        Rule rule = table.rule(tag);
        if (rule == null && keyword == null) {
            if (profile.keepUnknownAttributes().contains(tag)) {
                return new Decision(sequence ? Action.RECURSE : Action.KEEP, "unknown attribute kept by the profile",
                        Clean.NONE);
            }
            return new Decision(Action.REMOVE, "in neither Table E.1-1 nor the dictionary", Clean.NONE, true);
        }
        if (unreadable) {
            // Without its VR a value can be neither kept safely, nor cleaned, shifted, emptied or replaced.
            boolean wanted = rule == null || rule.basicAction(false) != Action.REMOVE
                    || applied.stream().anyMatch(option -> rule.cell(option) != 0);
            return wanted ? new Decision(Action.REMOVE, "value not readable (UN VR)", Clean.NONE, true)
                    : new Decision(Action.REMOVE, "basic " + rule.basic() + ", UN VR", Clean.NONE);
        }
        Decision decision = rule == null ? unlisted(keyword, vr, sequence) : listed(rule, vr, sequence);
        if (sequence && decision.action() == Action.KEEP) {
            return new Decision(Action.RECURSE, decision.reason(), decision.clean());
        }
        return decision;
    }

    private Decision unlisted(String keyword, String vr, boolean sequence) {
        if (sequence) {
            return new Decision(Action.RECURSE, "not in Table E.1-1", Clean.NONE);
        }
        if ("UI".equals(vr)) {
            if (definitionalUid(keyword)) {
                return new Decision(Action.KEEP, "class or scheme UID", Clean.NONE);
            }
            return retainsUids() ? new Decision(Action.KEEP, "UID, Retain UIDs", Clean.NONE)
                    : new Decision(Action.MAP_UID, "UID", Clean.NONE);
        }
        if ("PN".equals(vr)) {
            // Every person name identifies someone; names the table does not list do not get through either.
            return new Decision(Action.DUMMY, "person name not in Table E.1-1", Clean.NONE);
        }
        if ("DA".equals(vr) || "DT".equals(vr)) {
            // Temporal information the table does not list follows the same dates option as the listed (E.1.1 note).
            return switch (profile.dates()) {
                case REMOVE -> new Decision(Action.DUMMY, "date not in Table E.1-1", Clean.NONE);
                case FULL -> new Decision(Action.KEEP, "date not in Table E.1-1, full dates", Clean.NONE);
                case SHIFTED -> new Decision(Action.KEEP, "date not in Table E.1-1, modified dates",
                        Clean.SHIFT_DATES);
            };
        }
        return new Decision(Action.KEEP, "not in Table E.1-1", Clean.NONE);
    }

    private Decision listed(Rule rule, String vr, boolean sequence) {
        List<Option> keeping = new ArrayList<>();
        List<Option> cleaning = new ArrayList<>();
        for (Option option : applied) {
            char cell = rule.cell(option);
            if (cell == 'K') {
                keeping.add(option);
            } else if (cell == 'C') {
                cleaning.add(option);
            }
        }
        Action retained = sequence ? Action.RECURSE : Action.KEEP;
        if (!keeping.isEmpty()) {
            return new Decision(retained, names(keeping) + " K", Clean.NONE);
        }
        String basic = "basic " + rule.basic();
        for (Option option : cleaning) {
            Clean clean = sequence ? Clean.NONE : cleaning(option, vr);
            if (clean != null) {
                return new Decision(retained, names(cleaning) + " C", clean);
            }
        }
        if (!cleaning.isEmpty()) {
            basic += " (" + names(cleaning) + " C, but a " + vr + " value cannot be cleaned here)";
        }
        return new Decision(rule.basicAction(sequence), basic, Clean.NONE);
    }

    /**
     * How an Option's C cleans a value of this VR, or null where this package cannot. A sequence is cleaned by
     * applying the rules to its items (PS3.15 E.1.1), which the caller does for every Option.
     */
    private static Clean cleaning(Option option, String vr) {
        boolean text = TextCleaner.isText(vr);
        return switch (option) {
            case MODIFIED_DATES -> switch (vr) {
                case "DA", "DT" -> Clean.SHIFT_DATES;
                // A time of day, or a time zone, does not move with a shift by whole days.
                case "TM", "SH" -> Clean.NONE;
                default -> null;
            };
            case DEVICE -> "AE".equals(vr) ? Clean.AE_TITLE : text ? Clean.TEXT : null;
            case DESCRIPTORS, PATIENT -> text ? Clean.TEXT : null;
            case GRAPHICS -> text ? Clean.TEXT : vr.startsWith("O") ? Clean.NONE : null;
            default -> null;
        };
    }

    private static String names(List<Option> options) {
        return String.join(", ", options.stream().map(o -> o.meaning.replace(" Option", "")).toList());
    }

    private static boolean definitionalUid(String keyword) {
        return keyword.endsWith("ClassUID") || DEFINITIONAL_UID_KEYWORDS.contains(keyword);
    }
}
