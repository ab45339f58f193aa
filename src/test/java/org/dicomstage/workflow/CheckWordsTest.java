package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.dicomstage.staging.SeriesVerification;
import org.dicomstage.staging.SeriesVerification.Status;
import org.junit.jupiter.api.Test;

/** The review's checks in words: what was checked and how it came out, never "pixel data (0), references (7)". */
class CheckWordsTest {

    @Test
    void aCleanCtSaysEveryInstanceArrivedNoIdentifierWasFoundPixelsAreIdenticalAndReferencesResolve() {
        SeriesVerification ct = verification(112, 112, 112, 112, 3, 0, 0);
        assertThat(CheckWords.of(ct)).containsExactly("all 112 instances arrived", "no source identifier found",
                "pixel data identical in 112 of 112", "3 references checked, all resolve");
        assertThat(CheckWords.sentence(ct)).isEqualTo("all 112 instances arrived; no source identifier found;"
                + " pixel data identical in 112 of 112; 3 references checked, all resolve");
    }

    @Test
    void aPlanWithoutPixelsAndASingleReferenceAreSaidAsSuch() {
        assertThat(CheckWords.of(verification(1, 1, 0, 0, 1, 0, 0))).containsExactly("the 1 instance arrived",
                "no source identifier found", "no pixel data to compare", "1 reference checked, it resolves");
        assertThat(CheckWords.of(verification(1, 1, 1, 1, 0, 0, 0))).contains("pixel data identical in 1 of 1",
                "no references to check");
    }

    @Test
    void whatWentWrongIsCountedInTheSameWords() {
        assertThat(CheckWords.of(verification(112, 109, 109, 107, 40, 12, 2))).containsExactly(
                "only 109 of 112 instances arrived", "2 source identifiers found", "pixel data differs in 2 of 109",
                "40 references checked, 12 do not resolve");
        assertThat(CheckWords.of(verification(5, 6, 5, 5, 2, 2, 1))).containsExactly(
                "6 instances arrived, 5 expected", "1 source identifier found", "pixel data identical in 5 of 5",
                "2 references checked, none resolves");
        assertThat(CheckWords.references(7, 1)).isEqualTo("7 references checked, 1 does not resolve");
        assertThat(CheckWords.instances(0, 0)).isEqualTo("Study0 holds no instance of this series");
    }

    private static SeriesVerification verification(int source, int target, int compared, int identical,
                                                   int references, int dangling, int residues) {
        return new SeriesVerification("1.2.3", "2.25.1", Status.VERIFIED, source, target, compared, identical,
                references, dangling, residues, null, List.of(), List.of(), List.of());
    }
}
