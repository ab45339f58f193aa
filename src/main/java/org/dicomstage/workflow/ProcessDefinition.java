package org.dicomstage.workflow;

import java.util.List;

/**
 * The contract between {@code bpmn/create-project-specific-dicom.bpmn}, its forms and the code: the
 * process id, job types, BPMN error codes, form ids and variable names. The BPMN and the forms use these
 * exact strings; {@code ProcessModelTest} and {@code FormsTest} fail when the two drift apart.
 *
 * <p>Variable shapes (JSON) are documented next to each name because workers, forms and the web UI all
 * read them and nothing else enforces them.
 */
public final class ProcessDefinition {

    private ProcessDefinition() {
    }

    public static final String PROCESS_ID = "create-project-specific-dicom";
    public static final String BPMN_RESOURCE = "bpmn/create-project-specific-dicom.bpmn";
    /** Where the forms live on the classpath (and under the repo root). */
    public static final String FORMS_LOCATION = "forms/";

    /** Job types: one job worker class each. */
    public static final class JobTypes {
        private JobTypes() {
        }

        /** Throws {@link Errors#ACCESS_DENIED} or {@link Errors#DICOM_NOT_ENABLED}. */
        public static final String CHECK_ACCESS = "dicomstage.check-access";
        public static final String QUERY_STUDY0 = "dicomstage.query-study0";
        /** Throws {@link Errors#NOTHING_SELECTED}. */
        public static final String EXPAND_SELECTION = "dicomstage.expand-selection";
        /**
         * One job per series (parallel multi-instance, input {@link Variables#SERIES}, output
         * {@link Variables#STAGING_RESULT}). The model gives it {@link ProcessDefinition#STAGE_SERIES_RETRIES}
         * retries; the worker fails a job with {@code retries - 1} and a growing {@code retryBackoff}.
         */
        public static final String STAGE_SERIES = "dicomstage.stage-series";
        public static final String VERIFY = "dicomstage.verify";
        public static final String REMIND_REVIEWER = "dicomstage.remind-reviewer";
        /**
         * Closes the staging requests of the process instance with the outcome in the task's
         * {@link Headers#REQUEST_OUTCOME} header; the last step before every end of the process.
         */
        public static final String CLOSE_REQUEST = "dicomstage.close-request";
        /**
         * On Accept: copies the verified series from the holding node to the project node, verifies the published
         * copy (count, exact UIDs, digests), then empties the holding copy.
         */
        public static final String PUBLISH = "dicomstage.publish";
        /**
         * On Send back, Abort and Cancel: deletes the process's series from the holding node. On the cancel path its
         * {@link Headers#REQUEST_OUTCOME} header is CANCELLED: it first records the cancel on the requests, which
         * stops staging still running for them.
         */
        public static final String CLEAR_HOLDING = "dicomstage.clear-holding";

        public static final List<String> ALL = List.of(CHECK_ACCESS, QUERY_STUDY0, EXPAND_SELECTION, STAGE_SERIES,
                VERIFY, REMIND_REVIEWER, CLOSE_REQUEST, PUBLISH, CLEAR_HOLDING);
    }

    /** Task headers: static settings of a service task, read by its worker. */
    public static final class Headers {
        private Headers() {
        }

        /** On each close-request task: the name of a {@code org.dicomstage.study.RequestOutcome}. */
        public static final String REQUEST_OUTCOME = "requestOutcome";
    }

    /** Messages the web UI publishes and the model catches. */
    public static final class Messages {
        private Messages() {
        }

        /**
         * Cancel a request: correlated by {@link Variables#CANCEL_KEY}, with {@link Variables#CANCEL_REASON} and
         * {@link Variables#CANCELLED_BY}; interrupts {@link Elements#REQUEST_OPEN}.
         */
        public static final String CANCEL_REQUEST = "dicomstage.cancel-request";
    }

    /** Staging talks to two archives; transient failures are retried by the engine, with the worker's backoff. */
    public static final int STAGE_SERIES_RETRIES = 5;

    /** BPMN error codes a worker throws (with {@code newThrowErrorCommand}) and the model catches. */
    public static final class Errors {
        private Errors() {
        }

        public static final String ACCESS_DENIED = "ACCESS_DENIED";
        public static final String DICOM_NOT_ENABLED = "DICOM_NOT_ENABLED";
        public static final String NOTHING_SELECTED = "NOTHING_SELECTED";
        /**
         * Query Study0: no subject was selected, or a chosen subject is no longer enrolled. Back to Select patient
         * with {@link Variables#SELECT_PATIENT_NOTICE}; a start from the lookup (subject fixed) ends as access denied.
         */
        public static final String SUBJECT_UNAVAILABLE = "SUBJECT_UNAVAILABLE";
        /** Expand selection: a picked series is no longer in Study0. Study0 is queried again, then Pick series. */
        public static final String SERIES_NOT_IN_STUDY0 = "SERIES_NOT_IN_STUDY0";

        /** Codes the researcher can act on: the worker sends the message as {@link Variables#INPUT_PROBLEM}. */
        public static final List<String> FIXABLE_INPUT = List.of(SUBJECT_UNAVAILABLE, SERIES_NOT_IN_STUDY0);

        public static final List<String> ALL = List.of(ACCESS_DENIED, DICOM_NOT_ENABLED, NOTHING_SELECTED,
                SUBJECT_UNAVAILABLE, SERIES_NOT_IN_STUDY0);
    }

    /** Form ids ({@code forms/<id>.form}); each is the {@code formId} of exactly one user task. */
    public static final class Forms {
        private Forms() {
        }

        public static final String ACTIVATE_STUDY = "dicomstage-activate-study";
        public static final String SELECT_PATIENT = "dicomstage-select-patient";
        public static final String PICK_SERIES = "dicomstage-pick-series";
        public static final String CONFIRM_SELECTION = "dicomstage-confirm-selection";
        public static final String REVIEW_STAGED_COPY = "dicomstage-review-staged-copy";
        public static final String RESOLVE_STAGING_PROBLEM = "dicomstage-resolve-staging-problem";

        public static final List<String> ALL = List.of(ACTIVATE_STUDY, SELECT_PATIENT, PICK_SERIES,
                CONFIRM_SELECTION, REVIEW_STAGED_COPY, RESOLVE_STAGING_PROBLEM);
    }

    /** BPMN element ids that code refers to (tests, the web UI's task routing, Operate links). */
    public static final class Elements {
        private Elements() {
        }

        /** Gateway: started by Edit on the lookup (study, subject and Study0 study fixed) or from Tasklist. */
        public static final String STARTED_FROM_LOOKUP = "StartedFromLookup";
        /** Gateway after the access check: skips Select patient for a start from the lookup. */
        public static final String SUBJECT_CHOSEN = "SubjectChosen";
        public static final String ACTIVATE_STUDY = "ActivateStudy";
        public static final String CHECK_STUDY_ACCESS = "CheckStudyAccess";
        /**
         * Sub-process: everything after the access check that the researcher may still cancel. Its end is a choice
         * (accept, abort, cancel) that {@link #REQUEST_DECISION} acts on; publishing lies outside it.
         */
        public static final String REQUEST_OPEN = "RequestOpen";
        /** Interrupting message boundary event on {@link #REQUEST_OPEN}: {@link Messages#CANCEL_REQUEST}. */
        public static final String CANCEL_REQUESTED = "CancelRequested";
        /** Gateway after {@link #REQUEST_OPEN}: publish, abort or cancel. */
        public static final String REQUEST_DECISION = "RequestDecision";
        /** Gateways after Pick series and Confirm selection: was "Cancel this request" ticked? */
        public static final String PICK_CANCELLED = "PickCancelled";
        public static final String CONFIRM_CANCELLED = "ConfirmCancelled";
        /** Ends of {@link #REQUEST_OPEN}: the choice made, which {@link #REQUEST_DECISION} then carries out. */
        public static final String CANCEL_CHOSEN_AT_PICK = "CancelChosenAtPick";
        public static final String CANCEL_CHOSEN_AT_CONFIRM = "CancelChosenAtConfirm";
        public static final String CANCEL_CHOSEN_AT_REVIEW = "CancelChosenAtReview";
        public static final String CANCEL_CHOSEN_AT_RESOLVE = "CancelChosenAtResolve";
        public static final String ACCEPT_CHOSEN = "AcceptChosen";
        public static final String ABORT_CHOSEN = "AbortChosen";
        public static final String CLEAR_HOLDING_CANCELLED = "ClearHoldingCancelled";
        public static final String CLOSE_REQUEST_CANCELLED = "CloseRequestCancelled";
        public static final String END_REQUEST_CANCELLED = "RequestCancelled";
        public static final String SELECT_PATIENT = "SelectPatient";
        public static final String QUERY_STUDY0 = "QueryStudy0";
        public static final String PICK_SERIES = "PickSeries";
        public static final String EXPAND_SELECTION = "ExpandSelection";
        public static final String CONFIRM_SELECTION = "ConfirmSelection";
        /** Error boundary on Query Study0 ({@link Errors#SUBJECT_UNAVAILABLE}). */
        public static final String SUBJECT_UNAVAILABLE = "SubjectUnavailable";
        /** Gateway after it: a start from the lookup cannot choose another subject, so it ends. */
        public static final String SUBJECT_FIXED_ON_LOOKUP = "SubjectFixedOnLookup";
        /** Error boundary on Expand selection ({@link Errors#SERIES_NOT_IN_STUDY0}). */
        public static final String SERIES_NOT_IN_STUDY0 = "SeriesNotInStudy0";
        /** Gateway after Confirm: references dropped without "copy anyway" go back to Confirm. */
        public static final String REFERENCES_DROPPED = "ReferencesDropped";
        public static final String STAGE_SERIES = "StageSeries";
        public static final String VERIFY_STAGED_COPY = "VerifyStagedCopy";
        public static final String REVIEW_STAGED_COPY = "ReviewStagedCopy";
        public static final String REVIEW_REMINDER = "ReviewReminder";
        public static final String REMIND_REVIEWER = "RemindReviewer";
        public static final String RESOLVE_STAGING_PROBLEM = "ResolveStagingProblem";
        public static final String PUBLISH_ACCEPTED_COPY = "PublishAcceptedCopy";
        public static final String CLEAR_HOLDING_SENT_BACK = "ClearHoldingSentBack";
        public static final String CLEAR_HOLDING_ABORTED = "ClearHoldingAborted";
        public static final String CLOSE_REQUEST_ACCEPTED = "CloseRequestAccepted";
        public static final String CLOSE_REQUEST_ABORTED = "CloseRequestAborted";
        public static final String CLOSE_REQUEST_ACCESS_DENIED = "CloseRequestAccessDenied";
        public static final String CLOSE_REQUEST_DICOM_NOT_ENABLED = "CloseRequestDicomNotEnabled";
        public static final String END_ACCEPTED = "ProjectCopyAccepted";
        public static final String END_ACCESS_DENIED = "AccessDeniedEnd";
        public static final String END_DICOM_NOT_ENABLED = "DicomNotEnabledEnd";
        public static final String END_STAGING_ABORTED = "StagingAborted";
        /** Ends the reminder's branch only: the review stays open, so no request is closed there. */
        public static final String END_REVIEWER_REMINDED = "ReviewerReminded";
    }

    /**
     * Process variables. "Options" are form-js option lists: {@code [{"label": "...", "value": "..."}]}.
     * A series object is {@code {"seriesInstanceUid", "studyInstanceUid", "modality",
     * "seriesDescription", "seriesNumber", "instanceCount"}} plus whatever the workers need; the UID is the key.
     * The workers add "studySubjectId", "studyDate", "studyDescription", "inProject" (the series' own status in
     * the project, in words: "Yes, 2026-03-02 (request #4)", "No; being staged (request #6)", ...), "alreadyInProject"
     * (true once an accepted request copied it) and "stagingRequestId" (the study package's staging
     * request; checked against the study and the registered series before anything is copied). No variable
     * carries a Study0 PID or a name: the workers look the PID up by the staging request, which must belong to the
     * process.
     */
    public static final class Variables {
        private Variables() {
        }

        // Set when the process starts (web UI / Tasklist start).
        /** Login name of the researcher who asked for the copy. */
        public static final String REQUESTED_BY = "requestedBy";
        /** Options: the studies the requesting user may activate. */
        public static final String AVAILABLE_STUDIES = "availableStudies";
        /**
         * The Study0 study the user clicked "Edit" on (web UI start only). query-study0 then lists only that study
         * of the subject, if it is one of theirs; the staging request for it was created by the server at the start.
         */
        public static final String STUDY0_STUDY_INSTANCE_UID = "study0StudyInstanceUid";
        /**
         * The staging request Edit on the lookup opened before starting the process (web UI start only). Its presence
         * is the start from the lookup: the gateways skip Activate study and Select patient, since {@link #STUDY_ID},
         * {@link #SELECTED_SUBJECT_IDS} and {@link #STUDY0_STUDY_INSTANCE_UID} are set at the start and no later task
         * outputs them.
         */
        public static final String STAGING_REQUEST_ID = "stagingRequestId";
        /** ISO-8601 duration before the reviewer is reminded, repeatedly; {@link #DEFAULT_REVIEW_REMINDER} if unset. */
        public static final String REVIEW_REMINDER_AFTER = "reviewReminderAfter";

        // Activate study (form) -> check-access.
        /** The chosen study's id (a value of {@link #AVAILABLE_STUDIES}). */
        public static final String STUDY_ID = "studyId";

        // check-access -> Select patient.
        public static final String STUDY_NAME = "studyName";
        /** Options: enrolled subjects; label shows study subject id and site, value is the study subject id. */
        public static final String ENROLLED_SUBJECTS = "enrolledSubjects";
        /**
         * The correlation key of {@link Messages#CANCEL_REQUEST} for this instance: its key as a string, returned by
         * check-access (FEEL cannot read the instance key).
         */
        public static final String CANCEL_KEY = "cancelKey";
        /** Why access was refused: the check-access worker sends it as a variable with its BPMN error. */
        public static final String ACCESS_PROBLEM = "accessProblem";

        // Select patient (form). The output mapping turns both modes into SELECTED_SUBJECT_IDS.
        /** "one" or "bulk". */
        public static final String SUBJECT_SELECTION_MODE = "subjectSelectionMode";
        public static final String SUBJECT_ID = "subjectId";
        public static final String BULK_SEARCH_TEXT = "bulkSearchText";
        public static final String BULK_SUBJECT_IDS = "bulkSubjectIds";
        /** Form-local: search terms that matched no enrolled subject (shown, not used by the process). */
        public static final String BULK_UNMATCHED_TERMS = "bulkUnmatchedTerms";
        /** List of study subject ids -> query-study0. */
        public static final String SELECTED_SUBJECT_IDS = "selectedSubjectIds";

        // query-study0 -> Pick series.
        /**
         * The series objects found in Study0 for the selected subjects, one per series: the table the researcher
         * picks from (studySubjectId, studyDate, studyDescription, modality, seriesNumber, seriesDescription,
         * instanceCount, inProject, seriesInstanceUid) and what expand-selection reads back.
         */
        public static final String SERIES_TABLE = "seriesTable";
        /** Options: one per series (table view). */
        public static final String SERIES_OPTIONS = "seriesOptions";
        /**
         * The RT tree flattened depth-first: {"seriesInstanceUid", "modality", "seriesDescription", "depth" (0 = root),
         * "approvalStatus" (RT plans: APPROVED / UNAPPROVED / REJECTED, else null), "nodeId", "flagged", "kind"
         * (the rt package's RtNodeKind: IMAGE_SERIES, RTSTRUCT, ..., DANGLING for a referenced object not in Study0,
         * whose "seriesInstanceUid" is then its node id)}. The form
         * indents by depth. Picks from this view bring their subtree (a CT with its structure sets, plans, doses);
         * picks from the table do not. Either way the objects a pick references come with it.
         */
        public static final String RT_TREE = "rtTree";
        /**
         * Study0 studies of the selected subjects that another process has an open request for: not offered, and
         * never taken over. Rows: studySubjectId, studyInstanceUid, studyDate, studyDescription, stagingRequestId,
         * requestedBy, link (the request's page).
         */
        public static final String BUSY_STUDIES = "busyStudies";
        /** The same in words for the Pick series form; empty when nothing is busy. */
        public static final String BUSY_STUDIES_NOTICE = "busyStudiesNotice";

        // Pick series (form) -> expand-selection.
        public static final String PICKED_SERIES_UIDS = "pickedSeriesUids";
        public static final String PICKED_RT_SERIES_UIDS = "pickedRtSeriesUids";
        /** Union of both pick lists (output mapping). */
        public static final String SELECTED_SERIES_UIDS = "selectedSeriesUids";
        /** A message for the Pick series form: why the user is back there (nothing selected / sent back). */
        public static final String PICK_SERIES_NOTICE = "pickSeriesNotice";

        // expand-selection -> Confirm selection.
        /** List of series objects: the selection closed over RT references, each with "addedBecause" (null if picked). */
        public static final String EXPANDED_SELECTION = "expandedSelection";
        /** Options for the confirmation checklist (labels mark added series and flagged plans). */
        public static final String SELECTION_OPTIONS = "selectionOptions";
        /** Series UIDs, pre-checked: the worker sets all of them; the user may uncheck. */
        public static final String CONFIRMED_SERIES_UIDS = "confirmedSeriesUids";
        /**
         * Text: warnings about the selection as a whole (a series staged whole although only part of it was picked,
         * an unknown pick). Empty string when none. Warnings about one series are in {@link #CONFIRM_WARNINGS}.
         */
        public static final String SELECTION_WARNINGS = "selectionWarnings";
        /**
         * Rows {"seriesInstanceUid", "referencedSeriesUid" (or null), "warning"}, labels only, never UIDs in the
         * text. The Confirm form shows a row's warning while its series is ticked and its referenced series is not
         * (a dropped reference: "RTDOSE 'Dose' references plan 'APlan1', which will not be copied"), or, without a
         * referenced series, while its series is ticked ("RTPLAN 'APlan1' is UNAPPROVED", a reference to something
         * not in Study0). Every possible unticking is covered: the rows are the edges of the reference graph.
         */
        public static final String CONFIRM_WARNINGS = "confirmWarnings";
        /** Confirm (output mapping): the warnings of the references the confirmed set drops; empty list when none. */
        public static final String DROPPED_REFERENCES = "droppedReferences";
        /** Confirm (form): copy although references are dropped. Reset to false by expand-selection. */
        public static final String COPY_ANYWAY = "copyAnyway";
        /** The message of a fixable-input error ({@link Errors#FIXABLE_INPUT}), mapped into a form notice. */
        public static final String INPUT_PROBLEM = "inputProblem";
        /** A message for the Select patient form: why the user is back there (subject no longer enrolled). */
        public static final String SELECT_PATIENT_NOTICE = "selectPatientNotice";

        // Stage series (multi-instance).
        /** List of series objects to stage; Confirm sets it, Resolve (retry) narrows it to the failed ones. */
        public static final String SERIES_TO_STAGE = "seriesToStage";
        /** Input element: one series object per stage-series job. */
        public static final String SERIES = "series";
        /** Output element a stage-series job sets: {"seriesInstanceUid", "status", "instancesStaged", "message"}. */
        public static final String STAGING_RESULT = "stagingResult";
        /** Collected stagingResult values, in seriesToStage order. */
        public static final String STAGING_RESULTS = "stagingResults";

        // verify -> gateway, Review / Resolve.
        /** Boolean: the whole project copy passed every check. */
        public static final String VERIFIED = "verified";
        /** Table rows: seriesInstanceUid, seriesDescription, expectedInstances, stagedInstances, checks, result. */
        public static final String VERIFICATION_REPORT = "verificationReport";
        /** List of series objects that failed staging or verification (a subset of the confirmed selection). */
        public static final String FAILED_SERIES = "failedSeries";
        /** Table rows: seriesInstanceUid, seriesDescription, problem. */
        public static final String STAGING_PROBLEMS = "stagingProblems";
        /** Table rows for the review: series (label), what, attribute, value; bounded, see KeptDescriptorRows. */
        public static final String KEPT_DESCRIPTORS = "keptDescriptors";
        /**
         * Rows for the review, one per subject: studySubjectId, PatientID and PatientName (as the held copy carries
         * them: the pseudonym, never the Study0 PID), dates (in words, with the subject's shift), profile, options
         * (the Options the copy records). See ReviewIdentity.
         */
        public static final String PSEUDONYMIZED_IDENTITY = "pseudonymizedIdentity";
        /**
         * Login names the review task is offered to (its candidate users): the study's members with the review right,
         * less the requester when the study has four eyes on. Our task access checks rights and four eyes again on
         * every call.
         */
        public static final String REVIEW_CANDIDATES = "reviewCandidates";
        /** Boolean: the study requires a reviewer other than the requester (its setting when the copy was verified). */
        public static final String FOUR_EYES = "fourEyes";

        // Review staged copy (form).
        /** "accept" or "sendBack". */
        public static final String REVIEW_DECISION = "reviewDecision";
        public static final String REVIEW_COMMENT = "reviewComment";
        /**
         * Login of who completed the review, set by our task API (never by the form); the cancel path records them
         * as who cancelled. Tasklist does not set it: the requester is recorded then.
         */
        public static final String REVIEWED_BY = "reviewedBy";

        // Resolve staging problem (form).
        /** "retry" or "abort". */
        public static final String RESOLVE_DECISION = "resolveDecision";
        public static final String RESOLVE_COMMENT = "resolveComment";

        // Cancel: from a form (Pick series, Confirm selection: the checkbox; Review, Resolve: the decision "cancel")
        // or from the message. The output mappings and the message's boundary event set the process-scope three.
        /** Form-local checkbox of Pick series and Confirm selection: "Cancel this request". */
        public static final String CANCEL_REQUEST = "cancelRequest";
        /** Boolean: the request is to be cancelled; the gateways route to the cancel path on it. */
        public static final String CANCEL_REQUESTED = "cancelRequested";
        /** The researcher's reason, in their words (required by the forms and the cancel button). */
        public static final String CANCEL_REASON = "cancelReason";
        /** Who cancelled: the assignee (requestedBy) for a form, the signed-in user for the message. */
        public static final String CANCELLED_BY = "cancelledBy";

        // publish -> close-request (accepted).
        /**
         * Rows: seriesInstanceUid (the copy's), seriesDescription, instances, result, patientId (PatientID in the
         * copy: the pseudonym) and archiveNode (the project node's name).
         */
        public static final String PUBLICATION_REPORT = "publicationReport";

        // close-request -> end.
        /** Ids of the staging requests the process used, now closed. */
        public static final String CLOSED_REQUEST_IDS = "closedRequestIds";
    }

    public static final String DEFAULT_REVIEW_REMINDER = "P2D";

    /** Decision values the forms offer and the gateways test. */
    public static final class Decisions {
        private Decisions() {
        }

        public static final String ONE_SUBJECT = "one";
        public static final String BULK = "bulk";
        public static final String ACCEPT = "accept";
        public static final String SEND_BACK = "sendBack";
        public static final String RETRY = "retry";
        public static final String ABORT = "abort";
        /** Review and Resolve staging problem: cancel the request (with {@link Variables#CANCEL_REASON}). */
        public static final String CANCEL = "cancel";
    }
}
