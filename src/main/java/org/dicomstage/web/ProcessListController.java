package org.dicomstage.web;

import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.StudyService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The coordinator's process list: the instances of the studies the user coordinates or administers, filtered,
 * sorted and paged by the engine. Which studies may be asked for is decided here, on the server, whatever the page
 * sends; the engine is only ever asked about those.
 */
@RestController
class ProcessListController {

    static final int DEFAULT_SIZE = 50;
    static final int MAX_SIZE = 200;
    /** The cluster's search pages by offset no further than its index allows (10,000 by default). */
    static final int MAX_OFFSET = 10_000;
    private static final Set<String> STATES = Set.of("ACTIVE", "COMPLETED", "TERMINATED");
    private static final Map<String, ProcessInstances.Sort> SORTS = Map.of(
            "started-desc", ProcessInstances.Sort.STARTED_NEWEST, "started-asc", ProcessInstances.Sort.STARTED_OLDEST,
            "ended-desc", ProcessInstances.Sort.ENDED_NEWEST, "ended-asc", ProcessInstances.Sort.ENDED_OLDEST);

    private final ProcessInstances instances;
    private final StudyService studies;

    ProcessListController(ProcessInstances instances, StudyService studies) {
        this.instances = instances;
        this.studies = studies;
    }

    /**
     * @param study         one of the user's studies; all of them if blank
     * @param incidents     only instances with an open incident
     * @param subject       a study subject ID, matched whole
     * @param startedFrom   started at or after (ISO-8601 instant: the page turns its local dates into these)
     * @param startedBefore started before
     * @param sort          started-desc (default), started-asc, ended-desc or ended-asc
     * @param page          0-based
     */
    @GetMapping("/api/processes")
    ListPage list(@RequestParam(required = false) String study, @RequestParam(required = false) String state,
                  @RequestParam(defaultValue = "false") boolean incidents,
                  @RequestParam(required = false) String subject,
                  @RequestParam(required = false) Instant startedFrom,
                  @RequestParam(required = false) Instant startedBefore,
                  @RequestParam(defaultValue = "started-desc") String sort,
                  @RequestParam(defaultValue = "0") int page,
                  @RequestParam(defaultValue = "" + DEFAULT_SIZE) int size,
                  Principal user) {
        Set<String> coordinated = studies.studiesOverseenBy(user.getName());
        Set<String> shown = coordinated;
        if (study != null && !study.isBlank()) {
            String asked = Ids.study(study.strip());
            if (!coordinated.contains(asked)) {
                studies.record(user.getName(), AuditActions.ACCESS_DENIED, asked, null, "process list");
                throw new ApiErrors.Forbidden("process list", "You do not coordinate study " + asked + ".");
            }
            shown = Set.of(asked);
        }
        ProcessInstances.Query query = query(shown, state, incidents, subject, startedFrom, startedBefore, sort,
                page, size);
        if (shown.isEmpty()) {
            return new ListPage(List.of(), page, size, 0, false);
        }
        ProcessInstances.Page found = instances.page(query);
        Instant now = Instant.now();
        java.util.Map<Long, Long> requests = studies.firstRequestIdsOf(found.items().stream()
                .map(ProcessInstances.Instance::key).toList());
        List<ProcessController.Row> rows = found.items().stream()
                .map(i -> ProcessController.Row.of(i, requests.get(i.key()), now)).toList();
        return new ListPage(rows, page, size, found.total(), found.totalCapped());
    }

    /** Checks every parameter before the engine sees it: a wrong one is a 400 naming it, never a failed search. */
    private static ProcessInstances.Query query(Set<String> shown, String state, boolean incidents, String subject,
                                                Instant startedFrom, Instant startedBefore, String sort, int page,
                                                int size) {
        String wantedState = state == null || state.isBlank() ? null : state.strip().toUpperCase(Locale.ROOT);
        if (wantedState != null && !STATES.contains(wantedState)) {
            throw new ApiErrors.BadRequest("'state' is not ACTIVE, COMPLETED or TERMINATED.");
        }
        ProcessInstances.Sort order = SORTS.get(sort);
        if (order == null) {
            throw new ApiErrors.BadRequest("'sort' is not started-desc, started-asc, ended-desc or ended-asc.");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new ApiErrors.BadRequest("'size' is not between 1 and " + MAX_SIZE + ".");
        }
        if (page < 0 || (long) page * size + size > MAX_OFFSET) {
            throw new ApiErrors.BadRequest("'page' is beyond the first " + MAX_OFFSET
                    + " instances: narrow the filters or sort the other way.");
        }
        if (startedFrom != null && startedBefore != null && !startedFrom.isBefore(startedBefore)) {
            throw new ApiErrors.BadRequest("'startedFrom' is not before 'startedBefore'.");
        }
        String wantedSubject = subject == null || subject.isBlank() ? null
                : Ids.query("subject", subject.strip());
        return new ProcessInstances.Query(shown, wantedState, incidents, wantedSubject, startedFrom, startedBefore,
                order, page, size);
    }

    /**
     * @param page        0-based, as asked
     * @param total       instances matching in all
     * @param totalCapped the engine counted no further than total: more match
     */
    record ListPage(List<ProcessController.Row> items, int page, int size, long total, boolean totalCapped) {
    }
}
