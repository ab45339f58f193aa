package org.dicomstage.pseudonym;

/**
 * The research study's identity written into every pseudonymized instance (Clinical Trial Subject module).
 * Any component may be null or blank; blank ones are written as empty (they are Type 1C/2 in the module).
 */
public record ClinicalTrial(String sponsorName, String protocolID, String protocolName, String siteID,
        String siteName) {

    public static ClinicalTrial none() {
        return new ClinicalTrial(null, null, null, null, null);
    }
}
