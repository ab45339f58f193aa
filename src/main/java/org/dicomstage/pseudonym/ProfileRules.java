package org.dicomstage.pseudonym;

import com.pixelmed.dicom.AttributeTag;
import org.dicomstage.pseudonym.ConfidentialityTable.Action;
import org.dicomstage.pseudonym.ConfidentialityTable.Option;
import org.dicomstage.pseudonym.ConfidentialityTable.Rule;
import org.dicomstage.pseudonym.PseudonymizationProfile.Dates;

import java.util.Set;

/**
 * Table E.1-1 resolved under one profile: for a public attribute, what happens to it and why. Knows nothing of
 * values; {@link AttributeActions} carries the decision out.
 */
final class ProfileRules {

    /** Keywords of UID attributes that name a class or coding scheme, never an instance: not mapped. */
    private static final Set<String> DEFINITIONAL_UID_KEYWORDS = Set.of("CodingSchemeUID", "ContextUID",
            "MappingResourceUID", "ReferencedTransferSyntaxUIDInFile", "TransferSyntaxUID");

    /**
     * @param shiftDates a kept DA or DT moves by the subject's offset
     * @param clean      a kept text goes through Clean Descriptors
     */
    record Decision(Action action, String reason, boolean shiftDates, boolean clean) {
    }

    private final PseudonymizationProfile profile;
    private final ConfidentialityTable table;

    ProfileRules(PseudonymizationProfile profile, ConfidentialityTable table) {
        this.profile = profile;
        this.table = table;
    }

    Decision decide(AttributeTag tag, String keyword, String vr, boolean sequence) {
        Rule rule = table.rule(tag);
        Decision decision = rule == null ? unlisted(keyword, vr, sequence) : listed(rule, sequence);
        if (sequence && decision.action() == Action.KEEP) {
            return new Decision(Action.RECURSE, decision.reason(), decision.shiftDates(), decision.clean());
        }
        return decision;
    }

    private Decision unlisted(String keyword, String vr, boolean sequence) {
        if (sequence) {
            return new Decision(Action.RECURSE, "not in Table E.1-1", false, false);
        }
        if ("UI".equals(vr)) {
            return definitionalUid(keyword) ? new Decision(Action.KEEP, "class or scheme UID", false, false)
                    : new Decision(Action.MAP_UID, "UID", false, false);
        }
        if ("PN".equals(vr)) {
            // Every person name identifies someone; names the table does not list do not get through either.
            return new Decision(Action.DUMMY, "person name not in Table E.1-1", false, false);
        }
        if ("DA".equals(vr) || "DT".equals(vr)) {
            // Temporal information the table does not list follows the same dates option as the listed.
            Action action = profile.dates() == Dates.REMOVE ? Action.DUMMY : Action.KEEP;
            return new Decision(action, "date not in Table E.1-1", profile.dates() == Dates.SHIFTED, false);
        }
        return new Decision(Action.KEEP, "not in Table E.1-1", false, false);
    }

    private Decision listed(Rule rule, boolean sequence) {
        Action action = rule.basicAction(sequence);
        String reason = "basic " + rule.basic();
        boolean shiftDates = false;
        boolean clean = false;
        Action retained = sequence ? Action.RECURSE : Action.KEEP;
        Set<Option> options = rule.options();
        if (options.contains(Option.DATES) && profile.dates() != Dates.REMOVE) {
            action = retained;
            shiftDates = profile.dates() == Dates.SHIFTED;
            reason = shiftDates ? "retain longitudinal, modified dates" : "retain longitudinal, full dates";
        }
        if (options.contains(Option.PATIENT) && profile.retainPatientCharacteristics()) {
            action = retained;
            reason = "retain patient characteristics";
        }
        if (options.contains(Option.DEVICE) && profile.retainDeviceIdentity()) {
            action = retained;
            reason = "retain device identity";
        }
        if (options.contains(Option.INSTITUTION) && profile.retainInstitutionIdentity()) {
            action = retained;
            reason = "retain institution identity";
        }
        if (options.contains(Option.DESCRIPTORS) && profile.cleanDescriptors()) {
            action = retained;
            clean = true;
            reason = "clean descriptors";
        }
        return new Decision(action, reason, shiftDates, clean);
    }

    private static boolean definitionalUid(String keyword) {
        return keyword.endsWith("ClassUID") || DEFINITIONAL_UID_KEYWORDS.contains(keyword);
    }
}
