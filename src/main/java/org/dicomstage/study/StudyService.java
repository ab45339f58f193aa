package org.dicomstage.study;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The only way into studies, memberships, subjects, staging requests and the audit trail. Operations that take a
 * username check the membership here, on the server, and audit the data access; a denial is audited too and that
 * audit event is committed even though the operation fails. Operations without a username are for the staging
 * workflow, which acts on requests already authorised when they were created.
 */
@Service
@Transactional(noRollbackFor = {StudyAccessDenied.class, DicomNotEnabled.class})
public class StudyService {

    /** Hits shown for a search; the result says how many more there are. */
    public static final int SEARCH_LIMIT = 10;
    /** Terms of one bulk search: a study's subjects, pasted, with room to spare. */
    public static final int MAX_BULK_TERMS = 1000;
    /** Longest term of a bulk search: the longest identifier (PID or study subject ID) a subject can have. */
    public static final int MAX_TERM_LENGTH = 64;

    private static final int DETAIL_LIMIT = 2000;
    private static final int MAX_PAGE_SIZE = 500;

    private final StudyRepository studies;
    private final MembershipRepository memberships;
    private final EnrolmentRepository enrolments;
    private final StagingRequestRepository requests;
    private final StagingSeriesRepository series;
    private final AuditEventRepository audits;
    private final StudySecrets secrets;
    private final Clock clock;

    StudyService(StudyRepository studies, MembershipRepository memberships,
                 EnrolmentRepository enrolments, StagingRequestRepository requests, StagingSeriesRepository series,
                 AuditEventRepository audits, StudySecrets secrets, ObjectProvider<Clock> clock) {
        this.studies = studies;
        this.memberships = memberships;
        this.enrolments = enrolments;
        this.requests = requests;
        this.series = series;
        this.audits = audits;
        this.secrets = secrets;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    // ---------------------------------------------------------------- studies and access

    /** The studies the user is a member of, DICOM-enabled or not, by identifier. */
    @Transactional(readOnly = true)
    public List<StudySummary> studiesOf(String username) {
        return memberships.findByUsername(username).stream().map(StudyService::summary).toList();
    }

    /** The identifiers of the studies the user coordinates or administers. */
    @Transactional(readOnly = true)
    public Set<String> studiesOverseenBy(String username) {
        return memberships.findByUsername(username).stream().filter(m -> m.role().overseesStudy())
                .map(m -> m.study().identifier()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Makes a study the user's working study: needs LOOKUP and a DICOM-enabled study. */
    public StudySummary activateStudy(String username, String studyIdentifier) {
        Membership membership = require(username, studyIdentifier, Right.LOOKUP, null);
        activate(username, studyIdentifier, membership);
        return summary(membership);
    }

    /** The DICOM-enabled check and the audit of an activation, for a member already known to have LOOKUP. */
    private void activate(String username, String studyIdentifier, Membership membership) {
        if (!membership.study().dicomEnabled()) {
            audit(username, AuditActions.ACCESS_DENIED, studyIdentifier, null, "activate: study is not DICOM-enabled");
            throw new DicomNotEnabled(studyIdentifier);
        }
        audit(username, AuditActions.STUDY_ACTIVATED, studyIdentifier, null, null);
    }

    /**
     * Every study that runs staging processes (DICOM-enabled, not the source archive), by identifier, with all its
     * members: what the engine's per-study tenants and authorizations are kept in step with.
     */
    @Transactional(readOnly = true)
    public List<StudyMembers> processStudies() {
        Map<String, List<StudyMembers.Member>> members = new LinkedHashMap<>();
        for (Membership m : memberships.findAllWithStudyAndUser()) {
            members.computeIfAbsent(m.study().identifier(), k -> new ArrayList<>())
                    .add(new StudyMembers.Member(m.user().username(), m.role(), m.rights()));
        }
        return studies.findAll().stream().filter(s -> s.dicomEnabled() && !s.sourceArchive())
                .sorted(java.util.Comparator.comparing(Study::identifier))
                .map(s -> new StudyMembers(s.identifier(), s.name(), members.getOrDefault(s.identifier(), List.of())))
                .toList();
    }

    public void requireRight(String username, String studyIdentifier, Right right) {
        require(username, studyIdentifier, right, null);
    }

    // ---------------------------------------------------------------- subjects

    /** Case-insensitive substring search over PID and study subject ID; at most {@link #SEARCH_LIMIT} hits. */
    public SubjectSearchResult searchSubjects(String username, String studyIdentifier, String query) {
        Membership membership = require(username, studyIdentifier, Right.LOOKUP, null);
        Page<Enrolment> page = enrolments.search(membership.study(), SubjectMatching.likePattern(query),
                PageRequest.of(0, SEARCH_LIMIT));
        List<SubjectEnrolment> hits = page.getContent().stream().map(Enrolment::view).toList();
        audit(username, AuditActions.SUBJECT_SEARCH, studyIdentifier, null,
                "query '" + (query == null ? "" : query) + "', " + page.getTotalElements() + " match(es)");
        return new SubjectSearchResult(query, hits, page.getTotalElements(), page.getTotalElements() > hits.size());
    }

    /** Terms separated by commas, semicolons, spaces or line breaks; each term may be part of an id. */
    public BulkSearchResult bulkSearch(String username, String studyIdentifier, String text) {
        Membership membership = require(username, studyIdentifier, Right.LOOKUP, null);
        List<String> terms = SubjectMatching.terms(text);
        if (terms.size() > MAX_BULK_TERMS) {
            throw new IllegalArgumentException("A bulk search takes at most " + MAX_BULK_TERMS + " terms, not "
                    + terms.size() + ": split the list.");
        }
        for (int i = 0; i < terms.size(); i++) {
            if (terms.get(i).length() > MAX_TERM_LENGTH) {
                // Not echoed: a term can be megabytes long.
                throw new IllegalArgumentException("Term " + (i + 1) + " is longer than " + MAX_TERM_LENGTH
                        + " characters, longer than any subject's identifier.");
            }
        }
        List<SubjectEnrolment> candidates = terms.isEmpty() ? List.of()
                : enrolments.findAllOf(membership.study()).stream().map(Enrolment::view).toList();
        SubjectMatching.Outcome outcome = SubjectMatching.match(terms, candidates);
        audit(username, AuditActions.SUBJECT_BULK_SEARCH, studyIdentifier, null, terms.size() + " term(s), "
                + outcome.matched().size() + " subject(s) matched, " + outcome.unmatched().size() + " unmatched");
        return new BulkSearchResult(outcome.matched(), outcome.unmatched());
    }

    /**
     * Every subject enrolled in the study, ordered as the repository lists them, for pick lists: needs LOOKUP.
     * Audited like a search, since it reveals who is enrolled.
     */
    public List<SubjectEnrolment> enrolledSubjects(String username, String studyIdentifier) {
        return enrolled(username, studyIdentifier, require(username, studyIdentifier, Right.LOOKUP, null));
    }

    /** Every subject enrolled in the member's study, the listing audited. */
    private List<SubjectEnrolment> enrolled(String username, String studyIdentifier, Membership membership) {
        List<SubjectEnrolment> all = enrolments.findAllOf(membership.study()).stream().map(Enrolment::view).toList();
        audit(username, AuditActions.SUBJECT_SEARCH, studyIdentifier, null, "list of enrolled subjects, "
                + all.size() + " subject(s)");
        return all;
    }

    /**
     * Check-access and the Study0 query in one transaction with one membership lookup, where they used to call
     * {@link #activateStudy} (if {@code activate}), {@link #requireRight} for STAGE and {@link #enrolledSubjects}
     * one after the other: the same checks in the same order, with the same audit events (also of a denial). The
     * membership is read afresh at every call, so a revoked right stops the next job.
     */
    public StagingAccess stagingAccess(String username, String studyIdentifier, boolean activate) {
        Optional<Membership> found = membership(username, studyIdentifier);
        if (activate) {
            activate(username, studyIdentifier, check(found, username, studyIdentifier, Right.LOOKUP, null));
        }
        check(found, username, studyIdentifier, Right.STAGE, null);
        Membership membership = check(found, username, studyIdentifier, Right.LOOKUP, null);
        return new StagingAccess(details(membership.study(), null), enrolled(username, studyIdentifier, membership));
    }

    // ---------------------------------------------------------------- for staging

    /**
     * {@link #studyForStaging(String, String)}, {@link #sourceStudy()} and {@link #studySecret(String)} in one
     * transaction, the study read once: what a staging job needs per request. Read at every call, never kept.
     */
    @Transactional(readOnly = true)
    public StagingStudy stagingStudy(String studyIdentifier, String pid) {
        Study study = study(studyIdentifier);
        return new StagingStudy(details(study, enrolment(study, pid).view()), sourceStudy(),
                secrets.resolve(study.identifier(), study.secretReference()));
    }

    @Transactional(readOnly = true)
    public StudyDetails studyForStaging(String studyIdentifier) {
        return details(study(studyIdentifier), null);
    }

    /** As {@link #studyForStaging(String)}, with the subject's enrolment (study subject ID and site). */
    @Transactional(readOnly = true)
    public StudyDetails studyForStaging(String studyIdentifier, String pid) {
        Study study = study(studyIdentifier);
        return details(study, enrolment(study, pid).view());
    }

    /** Study0, the research archive every staging copies from. */
    @Transactional(readOnly = true)
    public StudyDetails sourceStudy() {
        List<Study> sources = studies.findBySourceArchiveTrue();
        if (sources.size() != 1) {
            throw new StudyNotFound("Expected exactly one source study (Study0), found " + sources.size());
        }
        return details(sources.get(0), null);
    }

    /**
     * The study's pseudonymization secret, resolved from its reference. Meant for the staging package only: keep
     * the bytes out of logs, process variables and anything with a toString.
     */
    @Transactional(readOnly = true)
    public byte[] studySecret(String studyIdentifier) {
        Study study = study(studyIdentifier);
        return secrets.resolve(study.identifier(), study.secretReference());
    }

    // ---------------------------------------------------------------- staging requests

    /**
     * Needs STAGE in a DICOM-enabled project study the subject is enrolled in; returns the new request's id. Throws
     * {@link org.springframework.dao.DataIntegrityViolationException} while the subject's Study0 study has an open
     * request already (see {@link #findOpenRequest}): the database decides between two callers at once.
     */
    public long createStagingRequest(NewStagingRequest request) {
        Membership membership = require(request.username(), request.studyIdentifier(), Right.STAGE, request.pid());
        Study study = membership.study();
        if (!study.dicomEnabled()) {
            audit(request.username(), AuditActions.ACCESS_DENIED, study.identifier(), request.pid(),
                    "stage: study is not DICOM-enabled");
            throw new DicomNotEnabled(study.identifier());
        }
        if (study.sourceArchive()) {
            throw new IllegalArgumentException("Study '" + study.identifier()
                    + "' is the source archive and cannot be a staging target");
        }
        Enrolment enrolment = enrolment(study, request.pid());
        StagingRequest saved = requests.save(new StagingRequest(study, request.pid(), enrolment.studySubjectId(),
                request.study0StudyInstanceUid(), request.username(), clock.instant()));
        audit(request.username(), AuditActions.STAGING_REQUESTED, study.identifier(), request.pid(),
                "request " + saved.id() + ", Study0 study " + request.study0StudyInstanceUid());
        return saved.id();
    }

    /**
     * Registers series, keeping rows already there (their progress is untouched, their description refreshed).
     *
     * @param selected the series the user chose
     * @param closure series added because the selection references them; may repeat selected ones
     */
    public void addSeries(long requestId, List<SeriesSelection> selected, List<SeriesSelection> closure) {
        register(requestId, selected, closure, false);
    }

    /**
     * As {@link #addSeries}, and drops rows no longer wanted, unless staging has already started on them: a
     * series that may exist in the project archive stays on record.
     */
    public void replaceSeries(long requestId, List<SeriesSelection> selected, List<SeriesSelection> closure) {
        register(requestId, selected, closure, true);
    }

    /**
     * Records progress of one series. Touches only that series' row, so workers on different series of one request
     * never conflict; two concurrent updates of the same series fail one of them with an optimistic locking
     * exception, which the job's retry resolves. Once the request is cancelled its series only go back to PENDING:
     * STAGING throws {@link RequestCancelled} (which stops a running stager), other states are ignored.
     *
     * @param stagedInstances null keeps the current count
     * @param reason why it failed; kept only with status FAILED
     * @param targetSeriesInstanceUid null keeps the current value
     */
    public void markSeries(long requestId, String seriesInstanceUid, SeriesStatus status, Integer stagedInstances,
                           String reason, String targetSeriesInstanceUid) {
        mark(requestId, seriesInstanceUid, status, stagedInstances, reason, targetSeriesInstanceUid);
    }

    /** As {@link #markSeries}; returns the row, or null when a cancelled request's row was left as it is. */
    private StagingSeries mark(long requestId, String seriesInstanceUid, SeriesStatus status, Integer stagedInstances,
                               String reason, String targetSeriesInstanceUid) {
        Objects.requireNonNull(status, "status");
        if (stagedInstances != null && stagedInstances < 0) {
            throw new IllegalArgumentException("stagedInstances must not be negative: " + stagedInstances);
        }
        StagingSeries row = series.find(requestId, seriesInstanceUid).orElseThrow(() -> new StudyNotFound(
                "Series " + seriesInstanceUid + " is not part of staging request " + requestId));
        if (row.request().cancellation() != null && status != SeriesStatus.PENDING) {
            if (status == SeriesStatus.STAGING) {
                // Staging reports progress as it goes: this stops a stager that was running when the cancel came.
                throw new RequestCancelled(requestId);
            }
            return null; // a cancelled request's series only go back to PENDING: nothing of them is kept
        }
        row.mark(status, stagedInstances, truncate(reason), targetSeriesInstanceUid, clock.instant());
        return row;
    }

    /**
     * As {@link #markSeries}, for the end of a staging run: records, in the same transaction, what the staged copy
     * carries as text. They replace those of an earlier run; the texts go once the copy is deleted or staged again.
     */
    public void markSeries(long requestId, String seriesInstanceUid, SeriesStatus status, Integer stagedInstances,
                           String reason, String targetSeriesInstanceUid, SeriesTexts texts) {
        Objects.requireNonNull(texts, "texts");
        StagingSeries row = mark(requestId, seriesInstanceUid, status, stagedInstances, reason,
                targetSeriesInstanceUid);
        // The row just marked, not a second query (which would also flush the change first).
        (row != null ? row : series.find(requestId, seriesInstanceUid).orElseThrow()).texts(texts);
    }

    /**
     * What each series' staged copy of the request carries as text, by source series UID, in registration order.
     * No access check: for the workflow, and for the web after {@link #stagingRequest(String, long)} allowed it.
     */
    @Transactional(readOnly = true)
    public Map<String, SeriesTexts> seriesTexts(long requestId) {
        Map<String, SeriesTexts> texts = new LinkedHashMap<>();
        series.findByRequest(request(requestId).id()).forEach(s -> texts.put(s.seriesUid(), s.texts()));
        return texts;
    }

    /**
     * Claims a series of a request for {@code owner} until now + {@code lease}, or renews the owner's claim. False
     * while another owner holds an unexpired claim: then someone else is staging it right now (e.g. the same job
     * handed out again after a timeout while its first worker still runs).
     */
    public boolean claimSeries(long requestId, String seriesInstanceUid, String owner, Duration lease) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        return series.claim(requestId, seriesInstanceUid, owner, now.plus(lease), now) == 1;
    }

    /** Gives up the owner's claim; does nothing if it has expired and someone else holds it now. */
    public void releaseSeries(long requestId, String seriesInstanceUid, String owner) {
        series.release(requestId, seriesInstanceUid, owner);
    }

    @Transactional(readOnly = true)
    public StagingRequestView stagingRequest(long requestId) {
        return view(request(requestId));
    }

    /** A request as a member of its study sees it: needs LOOKUP. */
    public StagingRequestView stagingRequest(String username, long requestId) {
        StagingRequest request = request(requestId);
        require(username, request.study().identifier(), Right.LOOKUP, request.pid());
        audit(username, AuditActions.STAGING_REQUEST_VIEWED, request.study().identifier(), request.pid(),
                "request " + requestId);
        return view(request);
    }

    /**
     * The open request for this subject and Study0 study, if any: the database allows only one (a second
     * {@link #createStagingRequest} for them fails), so staging the same study again resumes it.
     */
    @Transactional(readOnly = true)
    public Optional<StagingRequestView> findOpenRequest(String studyIdentifier, String pid,
                                                         String study0StudyInstanceUid) {
        return requests.findUnclosed(studyIdentifier, pid, study0StudyInstanceUid).stream().findFirst()
                .map(this::view);
    }

    /** The study's requests, newest first: needs LOOKUP. */
    public List<StagingRequestView> stagingRequests(String username, String studyIdentifier) {
        require(username, studyIdentifier, Right.LOOKUP, null);
        List<StagingRequest> found = requests.findByStudy(studyIdentifier);
        // One query for all series rather than one per request: a study collects many requests.
        Map<Long, List<StagingSeriesView>> rows = found.isEmpty() ? Map.of()
                : series.findByRequests(found.stream().map(StagingRequest::id).toList()).stream()
                .collect(Collectors.groupingBy(s -> s.request().id(),
                        Collectors.mapping(StagingSeries::view, Collectors.toList())));
        List<StagingRequestView> views = found.stream()
                .map(r -> view(r, rows.getOrDefault(r.id(), List.of()))).toList();
        audit(username, AuditActions.STAGING_REQUESTS_LISTED, studyIdentifier, null, views.size() + " request(s)");
        return views;
    }

    public void setProcessInstanceKey(long requestId, long processInstanceKey) {
        request(requestId).processInstanceKey(processInstanceKey);
    }

    /**
     * Makes the process the owner of an open request that has none yet (or already is its owner). False when the
     * request is closed or another process owns it: a process never takes over another one's request.
     */
    public boolean bindProcess(long requestId, long processInstanceKey) {
        return requests.bindProcess(requestId, processInstanceKey) == 1;
    }

    /** As {@link #bindProcess}, for a request whose process {@code previous} has ended without closing it. */
    public boolean rebindProcess(long requestId, long previous, long processInstanceKey) {
        return requests.rebindProcess(requestId, previous, processInstanceKey) == 1;
    }

    /**
     * Ends a request for good, so it is no longer offered for resuming: staging the same Study0 study again makes a
     * new request. Gives up any claim still held on its series (a crashed worker's). Closing a closed request
     * changes nothing, so a retried job may call this again.
     */
    public void closeRequest(long requestId, RequestOutcome outcome) {
        close(request(requestId), outcome);
    }

    /**
     * Closes every request of a process instance, as {@link #closeRequest}: a process may have used several (one
     * per subject and Study0 study), and the one the lookup page created before the process started counts too.
     * Requests another process has taken over since (its key replaced this one) are not touched.
     *
     * @return the ids of the instance's requests, closed now or before
     */
    public List<Long> closeRequestsOf(long processInstanceKey, RequestOutcome outcome) {
        List<Long> ids = new ArrayList<>();
        for (StagingRequest request : requests.findByProcessInstance(processInstanceKey)) {
            close(request, outcome);
            ids.add(request.id());
        }
        return ids;
    }

    /**
     * Puts every request of the process instance on its cancel path (see {@link #markSeries}): from now on no series
     * of them starts or goes on staging. The first cancel's user and reason stay; each request's cancel is audited
     * with them. Requests closed already are left as they are.
     *
     * @return the ids of the instance's open requests
     */
    public List<Long> cancelRequestsOf(long processInstanceKey, String cancelledBy, String reason) {
        List<Long> ids = new ArrayList<>();
        for (StagingRequest request : requests.findByProcessInstance(processInstanceKey)) {
            if (request.closedAt() != null) {
                continue;
            }
            if (request.cancel(clock.instant(), cancelledBy, truncate(reason))) {
                audit(cancelledBy, AuditActions.STAGING_REQUEST_CANCELLED, request.study().identifier(),
                        request.pid(), "request " + request.id() + ": " + truncate(reason));
            }
            ids.add(request.id());
        }
        return ids;
    }

    /** The requests a process instance owns, by id. */
    @Transactional(readOnly = true)
    public List<StagingRequestView> requestsOf(long processInstanceKey) {
        return requests.findByProcessInstance(processInstanceKey).stream().map(this::view).toList();
    }

    /** For each of these process instances that owns a request, its first request's id: one query for a page. */
    @Transactional(readOnly = true)
    public Map<Long, Long> firstRequestIdsOf(java.util.Collection<Long> processInstanceKeys) {
        if (processInstanceKeys.isEmpty()) {
            return Map.of();
        }
        Map<Long, Long> ids = new java.util.HashMap<>();
        for (Object[] row : requests.firstRequestIdsOf(processInstanceKeys)) {
            ids.put((Long) row[0], (Long) row[1]);
        }
        return ids;
    }

    // ---------------------------------------------------------------- audit

    public void record(String username, String action, String studyIdentifier, String subjectPid, String detail) {
        audit(username, action, studyIdentifier, subjectPid, detail);
    }

    /**
     * The newest event of this action with exactly this detail, without an access check: for saying who already did
     * something (e.g. completed a task) to a member of the event's study.
     */
    @Transactional(readOnly = true)
    public Optional<AuditEventView> lastEvent(String action, String detail) {
        return audits.findByActionAndDetail(action, detail, PageRequest.of(0, 1)).stream().findFirst()
                .map(AuditEvent::view);
    }

    /** The user's own trail, newest first. */
    @Transactional(readOnly = true)
    public AuditPage auditFor(String username, int page, int size) {
        return auditPage(audits.findByUser(username, pageRequest(page, size)));
    }

    /** A study's trail, newest first, without an access check: for administration and the workflow. */
    @Transactional(readOnly = true)
    public AuditPage auditForStudy(String studyIdentifier, int page, int size) {
        return auditPage(audits.findByStudy(studyIdentifier, pageRequest(page, size)));
    }

    /** A study's trail for a member whose role is COORDINATOR or ADMIN. */
    public AuditPage auditForStudy(String requestingUser, String studyIdentifier, int page, int size) {
        Optional<Membership> membership = memberships.find(requestingUser, studyIdentifier);
        if (membership.isEmpty() || membership.get().role() == Role.RESEARCHER) {
            String why = membership.isEmpty() ? "is not a member of" : "is neither coordinator nor admin of";
            audit(requestingUser, AuditActions.ACCESS_DENIED, studyIdentifier, null, "read study audit: " + why);
            throw new StudyAccessDenied(requestingUser, studyIdentifier,
                    "User '" + requestingUser + "' " + why + " study '" + studyIdentifier + "'");
        }
        return auditForStudy(studyIdentifier, page, size);
    }

    // ---------------------------------------------------------------- internals

    private Membership require(String username, String studyIdentifier, Right right, String subjectPid) {
        return check(membership(username, studyIdentifier), username, studyIdentifier, right, subjectPid);
    }

    private Optional<Membership> membership(String username, String studyIdentifier) {
        return username == null ? Optional.empty() : memberships.find(username, studyIdentifier);
    }

    /** The membership if it has the right; otherwise the denial is audited and thrown. */
    private Membership check(Optional<Membership> found, String username, String studyIdentifier, Right right,
                             String subjectPid) {
        if (found.isPresent() && found.get().has(right)) {
            return found.get();
        }
        String message = found.isEmpty()
                ? "User '" + username + "' is not a member of study '" + studyIdentifier + "'"
                : "User '" + username + "' lacks the " + right + " right in study '" + studyIdentifier + "'";
        audit(username == null ? "(anonymous)" : username, AuditActions.ACCESS_DENIED, studyIdentifier, subjectPid,
                "needs " + right + ": " + message);
        throw new StudyAccessDenied(username, studyIdentifier, found.isEmpty() ? null : right, message);
    }

    private void register(long requestId, List<SeriesSelection> selected, List<SeriesSelection> closure,
                          boolean replace) {
        StagingRequest request = request(requestId);
        // Selected first, so a series in both lists counts as the user's choice.
        Map<String, Boolean> chosen = new LinkedHashMap<>();
        Map<String, SeriesSelection> wanted = new LinkedHashMap<>();
        for (SeriesSelection s : selected) {
            wanted.putIfAbsent(s.seriesInstanceUid(), s);
            chosen.put(s.seriesInstanceUid(), true);
        }
        for (SeriesSelection s : closure) {
            wanted.putIfAbsent(s.seriesInstanceUid(), s);
            chosen.putIfAbsent(s.seriesInstanceUid(), false);
        }
        var now = clock.instant();
        List<StagingSeries> existing = series.findByRequest(requestId);
        List<StagingSeries> obsolete = new ArrayList<>();
        for (StagingSeries row : existing) {
            SeriesSelection update = wanted.remove(row.seriesUid());
            if (update != null) {
                row.describe(update, chosen.get(row.seriesUid()), now);
            } else if (replace && (row.status() == SeriesStatus.PENDING || row.status() == SeriesStatus.FAILED)) {
                obsolete.add(row);
            }
        }
        series.deleteAll(obsolete);
        for (SeriesSelection s : wanted.values()) {
            series.save(new StagingSeries(request, s, chosen.get(s.seriesInstanceUid()), now));
        }
    }

    private void close(StagingRequest request, RequestOutcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        if (request.close(clock.instant(), outcome)) {
            series.releaseAll(request.id());
            audit(request.requestedBy(), AuditActions.STAGING_REQUEST_CLOSED, request.study().identifier(),
                    request.pid(), "request " + request.id() + ": " + outcome);
        }
    }

    private StagingRequest request(long requestId) {
        return requests.findWithStudy(requestId)
                .orElseThrow(() -> new StudyNotFound("No staging request " + requestId));
    }

    private Study study(String studyIdentifier) {
        return studies.findByIdentifier(studyIdentifier)
                .orElseThrow(() -> new StudyNotFound("No study '" + studyIdentifier + "'"));
    }

    private Enrolment enrolment(Study study, String pid) {
        return enrolments.find(study, pid).orElseThrow(() -> new StudyNotFound(
                "Subject " + pid + " is not enrolled in study '" + study.identifier() + "'"));
    }

    private StagingRequestView view(StagingRequest r) {
        return view(r, series.findByRequest(r.id()).stream().map(StagingSeries::view).toList());
    }

    private static StagingRequestView view(StagingRequest r, List<StagingSeriesView> rows) {
        return new StagingRequestView(r.id(), r.study().identifier(), r.pid(), r.studySubjectId(), r.study0StudyUid(),
                r.requestedBy(), r.requestedAt(), r.processInstanceKey(), r.closedAt(), r.outcome(), rows,
                r.cancellation());
    }

    private void audit(String username, String action, String studyIdentifier, String subjectPid, String detail) {
        audits.save(new AuditEvent(clock.instant(), username, action, studyIdentifier, subjectPid, truncate(detail)));
    }

    private static String truncate(String text) {
        return text == null || text.length() <= DETAIL_LIMIT ? text : text.substring(0, DETAIL_LIMIT - 1) + "…";
    }

    private static PageRequest pageRequest(int page, int size) {
        return PageRequest.of(Math.max(page, 0), Math.min(Math.max(size, 1), MAX_PAGE_SIZE));
    }

    private static AuditPage auditPage(Page<AuditEvent> page) {
        return new AuditPage(page.getContent().stream().map(AuditEvent::view).toList(), page.getNumber(),
                page.getSize(), page.getTotalElements(), page.hasNext());
    }

    private static StudySummary summary(Membership m) {
        Study s = m.study();
        return new StudySummary(s.identifier(), s.name(), s.protocolId(), s.protocolName(), s.sponsor(),
                s.dicomEnabled(), m.role(), Set.copyOf(m.rights()));
    }

    private static StudyDetails details(Study s, SubjectEnrolment enrolment) {
        return new StudyDetails(s.identifier(), s.name(), s.protocolId(), s.protocolName(), s.sponsor(),
                s.profileName(), s.archiveNode(), s.dicomEnabled(), s.sourceArchive(), enrolment);
    }
}
