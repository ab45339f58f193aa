package org.dicomstage.web;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.dicomstage.study.DicomNotEnabled;
import org.dicomstage.study.StudyAccessDenied;
import org.dicomstage.study.StudyNotFound;
import org.dicomstage.workflow.UserTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Error answers of the JSON API, always {@code {"error": "..."}} in our own words. Denials name what the user lacks
 * in a study they belong to, and nothing about data they cannot see: StudyService (or the controller) has already
 * written the audit event. No exception text of a library, the database or the engine reaches a client; an
 * unexpected failure is logged with a reference the user can quote.
 */
@RestControllerAdvice(basePackageClasses = ApiErrors.class)
class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(StudyAccessDenied.class)
    ResponseEntity<Map<String, String>> denied(StudyAccessDenied e) {
        // The user named the study, so naming it back reveals nothing; the answer is the same whether it exists.
        String message = e.missingRight() == null
                ? "You are not a member of study " + e.studyIdentifier() + "."
                : "You lack the " + e.missingRight().name().toLowerCase(Locale.ROOT) + " right in "
                        + e.studyIdentifier() + ".";
        return error(HttpStatus.FORBIDDEN, message);
    }

    @ExceptionHandler(org.dicomstage.study.RoleRequired.class)
    ResponseEntity<Map<String, String>> roleRequired(org.dicomstage.study.RoleRequired e) {
        return error(HttpStatus.FORBIDDEN, e.getMessage());
    }

    @ExceptionHandler(Forbidden.class)
    ResponseEntity<Map<String, String>> forbidden(Forbidden e) {
        return error(HttpStatus.FORBIDDEN, e.reason());
    }

    @ExceptionHandler(StudyNotFound.class)
    ResponseEntity<Map<String, String>> notFound(StudyNotFound e) {
        return error(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(DicomNotEnabled.class)
    ResponseEntity<Map<String, String>> notEnabled(DicomNotEnabled e) {
        return error(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(UserTasks.RejectedException.class)
    ResponseEntity<Map<String, String>> rejected(UserTasks.RejectedException e) {
        log.info("user task command refused: {}", e.getMessage());
        return error(HttpStatus.CONFLICT, "The engine refused this: the task may have been completed or claimed "
                + "meanwhile. Reload the tasks.");
    }

    @ExceptionHandler(CancelController.Conflict.class)
    ResponseEntity<Map<String, String>> conflict(CancelController.Conflict e) {
        return error(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(Unavailable.class)
    ResponseEntity<Map<String, String>> unavailable(Unavailable e) {
        return error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }

    @ExceptionHandler(BadRequest.class)
    ResponseEntity<Map<String, String>> badRequest(BadRequest e) {
        return error(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Map<String, String>> typeMismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() != null && Number.class.isAssignableFrom(boxed(e.getRequiredType()))
                ? "a number" : "of another form";
        return error(HttpStatus.BAD_REQUEST, "'" + e.getName() + "' must be " + expected + ".");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Map<String, String>> missing(MissingServletRequestParameterException e) {
        return error(HttpStatus.BAD_REQUEST, "'" + e.getParameterName() + "' is required.");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        return error(HttpStatus.BAD_REQUEST, "The request body is not the JSON this call expects.");
    }

    /**
     * Our services throw it for input they refuse, in words meant for the user. A library's (a
     * NumberFormatException is one) says something about our internals instead.
     */
    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> illegalArgument(IllegalArgumentException e) {
        boolean ours = e.getClass() == IllegalArgumentException.class && e.getStackTrace().length > 0
                && e.getStackTrace()[0].getClassName().startsWith("org.dicomstage.");
        if (!ours) {
            log.info("refused input: {}", e.toString());
        }
        return error(HttpStatus.BAD_REQUEST, ours && e.getMessage() != null ? e.getMessage()
                : "The request is not valid.");
    }

    /** Spring's own refusals (wrong method, media type, ...) keep their status; anything else is our fault. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, String>> unexpected(Exception e) {
        if (e instanceof ErrorResponse known && !known.getStatusCode().is5xxServerError()) {
            return error(known.getStatusCode(), ErrorPages.describe(known.getStatusCode().value()));
        }
        String reference = UUID.randomUUID().toString().substring(0, 8);
        log.error("unexpected failure, reference {}", reference, e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, ErrorPages.internalError(reference));
    }

    private static Class<?> boxed(Class<?> type) {
        return type == long.class ? Long.class : type == int.class ? Integer.class : type;
    }

    /**
     * JSON whatever the endpoint produces: an XML endpoint's refusal would otherwise find no converter for the map
     * and become a 500.
     */
    private static ResponseEntity<Map<String, String>> error(HttpStatusCode status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", message));
    }

    /**
     * Refused by a check of this package (a task, request or subject outside the user's studies); already audited.
     * The message is the audit detail; {@link #reason()} is what the user reads.
     */
    static final class Forbidden extends RuntimeException {
        private final String reason;

        Forbidden(String auditDetail, String reason) {
            super(auditDetail);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /** Input refused at the controller, with a message that names the field and never echoes the value. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** A backend this deployment has not configured (e.g. no Study0 listing). */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }
}
