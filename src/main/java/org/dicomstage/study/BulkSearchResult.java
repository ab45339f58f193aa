package org.dicomstage.study;

import java.util.List;

/** Subjects matched by any term (each once) and the terms that matched nobody, in input order. */
public record BulkSearchResult(List<SubjectEnrolment> matched, List<String> unmatchedTerms) {

    public BulkSearchResult {
        matched = List.copyOf(matched);
        unmatchedTerms = List.copyOf(unmatchedTerms);
    }
}
