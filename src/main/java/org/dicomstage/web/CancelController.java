package org.dicomstage.web;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientException;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.StudyTenants;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.dicomstage.workflow.ProcessDefinition.Messages;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The cancel button of the tasks and request pages: the requester, or a coordinator of the study, cancels an open
 * request with a reason. The process does the cancelling (its message boundary event interrupts whatever runs,
 * then it empties the holding copy and closes the request as CANCELLED); this checks who asks and publishes the
 * message. Asking again changes nothing; a closed request is answered with how and when it closed.
 */
@RestController
class CancelController {

    static final String CANCEL_REQUESTED = "CANCEL_REQUESTED";
    static final int REASON_LIMIT = 1000;
    /**
     * How long the engine keeps a cancel that found no subscription: an Edit's process may still be at the access
     * check, before the cancellable part begins.
     */
    static final Duration MESSAGE_TTL = Duration.ofMinutes(2);
    /** Once accepted, the copy is being published: publishing is not interrupted half-way. */
    private static final Set<String> PAST_CANCELLING = Set.of(Elements.REQUEST_DECISION,
            Elements.PUBLISH_ACCEPTED_COPY, Elements.CLOSE_REQUEST_ACCEPTED, Elements.CLEAR_HOLDING_ABORTED,
            Elements.CLOSE_REQUEST_ABORTED);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final StudyService studies;
    private final CamundaClient camunda;
    private final ProcessInstances instances;
    private final StudyTenants tenants;

    CancelController(StudyService studies, CamundaClient camunda, ProcessInstances instances, StudyTenants tenants) {
        this.studies = studies;
        this.camunda = camunda;
        this.instances = instances;
        this.tenants = tenants;
    }

    record CancelBody(String reason) {
    }

    /**
     * @param state "cancelling" (the process took the message, or will once it reaches the cancellable part) or
     *              "cancelled" (it was, before this call)
     */
    record CancelAnswer(long requestId, String state, String message) {
    }

    @PostMapping("/api/requests/{id}/cancel")
    ResponseEntity<CancelAnswer> cancel(@PathVariable long id, @RequestBody(required = false) CancelBody body,
                                        Principal principal) {
        String user = principal.getName();
        StagingRequestView request = VisibleRequests.require(studies, user, id);
        requireRequesterOrCoordinator(user, request);
        if (request.closedAt() != null) {
            return closed(request);
        }
        if (request.cancellation() != null) {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(new CancelAnswer(id, "cancelling",
                    "Request #" + id + " is being cancelled since " + TIME.format(request.cancellation().at())
                            + " (by " + request.cancellation().by() + "): its holding copy is being emptied."));
        }
        String reason = body == null || body.reason() == null ? "" : body.reason().strip();
        if (reason.isEmpty()) {
            throw new ApiErrors.BadRequest("Give a reason for cancelling.");
        }
        if (reason.length() > REASON_LIMIT) {
            throw new ApiErrors.BadRequest("The reason is longer than " + REASON_LIMIT + " characters.");
        }
        Long key = request.processInstanceKey();
        if (key == null) {
            throw new Conflict("Request #" + id + " is still starting its process; try again in a moment.");
        }
        ProcessInstances.Detail process = instances.get(key).orElse(null);
        if (process != null && !"ACTIVE".equals(process.instance().state())) {
            if ("TERMINATED".equals(process.instance().state())) {
                // Cancelled in the engine, so no close task ran: as Edit does, the request is over.
                studies.closeRequestsOf(key, RequestOutcome.CANCELLED);
                return closed(studies.stagingRequest(id));
            }
            throw new Conflict("Request #" + id + " has reached its end; it closes in a moment.");
        }
        if (process != null && (process.activeElements().contains(Elements.CLEAR_HOLDING_CANCELLED)
                || process.activeElements().contains(Elements.CLOSE_REQUEST_CANCELLED))) {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(new CancelAnswer(id, "cancelling",
                    "Request #" + id + " is being cancelled: its holding copy is being emptied."));
        }
        if (process != null && process.activeElements().stream().anyMatch(PAST_CANCELLING::contains)) {
            throw new Conflict("Request #" + id + " can no longer be cancelled: "
                    + (process.activeElements().contains(Elements.PUBLISH_ACCEPTED_COPY)
                    || process.activeElements().contains(Elements.CLOSE_REQUEST_ACCEPTED)
                    ? "it was accepted at review and its copy is being published."
                    : "it is being closed."));
        }
        studies.record(user, CANCEL_REQUESTED, request.studyIdentifier(), request.pid(),
                "request " + id + ", process instance " + key + ": " + reason);
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put(Variables.CANCEL_REASON, reason);
        variables.put(Variables.CANCELLED_BY, user);
        try {
            // A message reaches only subscriptions of its own tenant: the study's.
            camunda.newPublishMessageCommand().messageName(Messages.CANCEL_REQUEST).correlationKey(Long.toString(key))
                    .messageId("cancel-request-" + id).timeToLive(MESSAGE_TTL).variables(variables)
                    .tenantId(tenants.tenantOf(request.studyIdentifier())).send().join();
        } catch (ClientException e) {
            // The same message id is still buffered: an earlier cancel of this request is on its way.
            if (!String.valueOf(e.getMessage()).toUpperCase(Locale.ROOT).contains("ALREADY")) {
                throw e;
            }
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new CancelAnswer(id, "cancelling",
                "Cancelling request #" + id + ": its holding copy is being emptied, then it is closed as cancelled."));
    }

    private ResponseEntity<CancelAnswer> closed(StagingRequestView request) {
        String when = TIME.format(request.closedAt());
        if (request.outcome() == RequestOutcome.CANCELLED) {
            return ResponseEntity.ok(new CancelAnswer(request.id(), "cancelled", "Request #" + request.id()
                    + " was already cancelled at " + when + (request.cancellation() == null ? ""
                    : " by " + request.cancellation().by()) + "."));
        }
        throw new Conflict("Request #" + request.id() + " is already closed: " + outcomeInWords(request.outcome())
                + " at " + when + ".");
    }

    static String outcomeInWords(RequestOutcome outcome) {
        if (outcome == null) {
            return "closed";
        }
        return switch (outcome) {
            case ACCEPTED -> "accepted";
            case ABORTED -> "aborted";
            case ACCESS_DENIED -> "access denied";
            case DICOM_NOT_ENABLED -> "study not enabled for DICOM";
            case CANCELLED -> "cancelled";
        };
    }

    private void requireRequesterOrCoordinator(String user, StagingRequestView request) {
        if (user.equals(request.requestedBy())) {
            return;
        }
        boolean coordinator = studies.studiesOf(user).stream().anyMatch(s -> s.identifier()
                .equals(request.studyIdentifier()) && s.role().overseesStudy());
        if (!coordinator) {
            studies.record(user, AuditActions.ACCESS_DENIED, request.studyIdentifier(), request.pid(),
                    "cancel request " + request.id() + ": neither its requester nor a coordinator of the study");
            throw new ApiErrors.Forbidden("cancel request " + request.id(), "Only " + request.requestedBy()
                    + ", who made request #" + request.id() + ", or a coordinator of " + request.studyIdentifier()
                    + " can cancel it.");
        }
    }


    /** The request's state does not allow it; the message says what the state is. */
    static final class Conflict extends RuntimeException {
        Conflict(String message) {
            super(message);
        }
    }
}
