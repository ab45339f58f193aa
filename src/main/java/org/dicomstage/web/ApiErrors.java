package org.dicomstage.web;

import java.util.Map;
import org.dicomstage.study.DicomNotEnabled;
import org.dicomstage.study.StudyAccessDenied;
import org.dicomstage.study.StudyNotFound;
import org.dicomstage.workflow.UserTasks;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Error answers of the JSON API. Denials carry no detail about the study or task: StudyService (or the
 * controller) has already written the audit event, and the caller learns only that it may not.
 */
@RestControllerAdvice(basePackageClasses = ApiErrors.class)
class ApiErrors {

    @ExceptionHandler({StudyAccessDenied.class, Forbidden.class})
    ResponseEntity<Map<String, String>> denied(RuntimeException e) {
        return error(HttpStatus.FORBIDDEN, "Access denied");
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
        return error(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(Unavailable.class)
    ResponseEntity<Map<String, String>> unavailable(Unavailable e) {
        return error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return error(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("error", message == null ? status.getReasonPhrase() : message));
    }

    /** Refused by a check of this package (a task or subject outside the user's studies); already audited. */
    static final class Forbidden extends RuntimeException {
        Forbidden(String message) {
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
