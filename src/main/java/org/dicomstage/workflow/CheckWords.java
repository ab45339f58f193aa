package org.dicomstage.workflow;

import java.util.List;

import org.dicomstage.staging.SeriesVerification;

/**
 * The verification of one series in the words a reviewer reads: "all 112 instances arrived", "no source identifier
 * found", "pixel data identical in 112 of 112", "3 references checked, all resolve". What failed is named in the
 * result beside it; these say what was checked and how it came out.
 */
final class CheckWords {

    private CheckWords() {
    }

    /** The four checks of {@link org.dicomstage.staging.StagingService#verify}, one phrase each, in that order. */
    static List<String> of(SeriesVerification v) {
        return List.of(instances(v.sourceInstances(), v.targetInstances()), identifiers(v.identifierResidues()),
                pixels(v.pixelDigestsCompared(), v.pixelDataIdentical()),
                references(v.referencesChecked(), v.danglingReferences()));
    }

    /** The checks joined for the review table's Checks column. */
    static String sentence(SeriesVerification v) {
        return String.join("; ", of(v));
    }

    static String instances(int expected, int arrived) {
        if (expected == 0) {
            return "Study0 holds no instance of this series";
        }
        if (arrived == expected) {
            return expected == 1 ? "the 1 instance arrived" : "all " + expected + " instances arrived";
        }
        if (arrived < expected) {
            return "only " + arrived + " of " + expected + " instances arrived";
        }
        return arrived + " instances arrived, " + expected + " expected";
    }

    static String identifiers(int residues) {
        return residues == 0 ? "no source identifier found"
                : residues == 1 ? "1 source identifier found" : residues + " source identifiers found";
    }

    static String pixels(int compared, int identical) {
        if (compared == 0) {
            return "no pixel data to compare";
        }
        if (identical == compared) {
            return "pixel data identical in " + identical + " of " + compared;
        }
        return "pixel data differs in " + (compared - identical) + " of " + compared;
    }

    static String references(int checked, int dangling) {
        if (checked == 0) {
            return "no references to check";
        }
        String counted = checked == 1 ? "1 reference checked" : checked + " references checked";
        if (dangling == 0) {
            return counted + (checked == 1 ? ", it resolves" : ", all resolve");
        }
        if (dangling == checked) {
            return counted + (checked == 1 ? ", it does not resolve" : ", none resolves");
        }
        return counted + ", " + dangling + (dangling == 1 ? " does" : " do") + " not resolve";
    }
}
