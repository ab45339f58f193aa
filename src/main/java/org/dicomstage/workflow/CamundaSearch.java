package org.dicomstage.workflow;

import io.camunda.client.api.search.request.FinalSearchRequestStep;
import io.camunda.client.api.search.request.SearchRequestPage;
import io.camunda.client.api.search.request.TypedSearchRequest;
import io.camunda.client.api.search.response.SearchResponse;
import java.util.ArrayList;
import java.util.List;

/** Every result of a search of the cluster's REST API, page after page (cursor-based), until a page comes back short. */
public final class CamundaSearch {

    public static final int PAGE_SIZE = 100;

    private CamundaSearch() {
    }

    public static <T, R extends TypedSearchRequest<?, ?, R> & FinalSearchRequestStep<T>> List<T> all(R request) {
        List<T> items = new ArrayList<>();
        String after = null;
        while (true) {
            String cursor = after;
            SearchResponse<T> response = request.page((SearchRequestPage p) -> {
                p.limit(PAGE_SIZE);
                if (cursor != null) {
                    p.after(cursor);
                }
            }).send().join();
            items.addAll(response.items());
            if (response.items().size() < PAGE_SIZE || response.page() == null
                    || response.page().endCursor() == null) {
                return items;
            }
            after = response.page().endCursor();
        }
    }
}
