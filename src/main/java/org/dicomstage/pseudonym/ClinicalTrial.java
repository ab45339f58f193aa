package org.dicomstage.pseudonym;

import java.util.ArrayList;
import java.util.List;

/**
 * The research study's identity written into every pseudonymized instance (Clinical Trial Subject module).
 * ClinicalTrialSponsorName and ClinicalTrialProtocolID are Type 1 in that module (PS3.3 C.7.1.3): an instance is
 * only written with both ({@link #missingType1()}). The others are Type 2; blank ones are written empty.
 */
public record ClinicalTrial(String sponsorName, String protocolID, String protocolName, String siteID,
        String siteName) {

    public static ClinicalTrial none() {
        return new ClinicalTrial(null, null, null, null, null);
    }

    /** Each component of this one, or where it is blank, the fallback's. */
    public ClinicalTrial orElse(ClinicalTrial fallback) {
        return new ClinicalTrial(pick(sponsorName, fallback.sponsorName), pick(protocolID, fallback.protocolID),
                pick(protocolName, fallback.protocolName), pick(siteID, fallback.siteID),
                pick(siteName, fallback.siteName));
    }

    /** The keywords of the Type 1 attributes this trial leaves empty. */
    public List<String> missingType1() {
        List<String> missing = new ArrayList<>();
        if (blank(sponsorName)) {
            missing.add("ClinicalTrialSponsorName (0012,0010)");
        }
        if (blank(protocolID)) {
            missing.add("ClinicalTrialProtocolID (0012,0020)");
        }
        return missing;
    }

    private static String pick(String value, String fallback) {
        return blank(value) ? fallback : value;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
