package org.dicomstage.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectMatchingTest {

    private static final SubjectEnrolment ONE = new SubjectEnrolment("PID-0001", "HN-001", "site-a", "Site A");
    private static final SubjectEnrolment TWO = new SubjectEnrolment("PID-0002", "HN-002", "site-b", "Site B");
    private static final SubjectEnrolment RT = new SubjectEnrolment("HNC-0522c0009", "HN-RT-01", "site-a", "Site A");

    @Test
    void splitsOnCommasSemicolonsSpacesAndLineBreaks() {
        assertThat(SubjectMatching.terms(" HN-001, PID-0002;HN-RT-01\nfoo\r\n\tbar ;; ,"))
                .containsExactly("HN-001", "PID-0002", "HN-RT-01", "foo", "bar");
    }

    @Test
    void dropsRepeatedTermsCaseInsensitivelyKeepingTheFirstSpelling() {
        assertThat(SubjectMatching.terms("hn-001 HN-001 Hn-001 pid-0002")).containsExactly("hn-001", "pid-0002");
    }

    @Test
    void emptyOrBlankTextHasNoTerms() {
        assertThat(SubjectMatching.terms(null)).isEmpty();
        assertThat(SubjectMatching.terms("  ,;\n ")).isEmpty();
    }

    @Test
    void matchesPartOfEitherIdIgnoringCase() {
        assertThat(SubjectMatching.matches("pid-000", ONE)).isTrue();
        assertThat(SubjectMatching.matches("hn-00", ONE)).isTrue();
        assertThat(SubjectMatching.matches("0522C", RT)).isTrue();
        assertThat(SubjectMatching.matches("rt-01", RT)).isTrue();
        assertThat(SubjectMatching.matches("HN-002", ONE)).isFalse();
    }

    @Test
    void reportsEachMatchedSubjectOnceAndTheTermsWithoutMatch() {
        SubjectMatching.Outcome outcome = SubjectMatching.match(
                List.of("HN-001", "pid-0001", "0002", "nobody", "hnc"), List.of(ONE, TWO, RT));

        assertThat(outcome.matched()).containsExactly(ONE, TWO, RT);
        assertThat(outcome.unmatched()).containsExactly("nobody");
    }

    @Test
    void likePatternIsLowerCaseSubstringWithTheUsersWildcardsEscaped() {
        assertThat(SubjectMatching.likePattern(" HN-0 ")).isEqualTo("%hn-0%");
        assertThat(SubjectMatching.likePattern("50%_a\\b")).isEqualTo("%50\\%\\_a\\\\b%");
        assertThat(SubjectMatching.likePattern(null)).isEqualTo("%%");
    }
}
