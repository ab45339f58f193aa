package org.dicomstage.study;

import java.util.List;

/** At most a page of hits, the total number of matches and whether there are more than shown. */
public record SubjectSearchResult(String query, List<SubjectEnrolment> hits, long total, boolean more) {

    public SubjectSearchResult {
        hits = List.copyOf(hits);
    }
}
