package org.dicomstage.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.util.HtmlUtils;

/**
 * Every error that does not come from one of our API controllers (refused pages, missing files, failures in a
 * filter), instead of Spring's white-label page: a page in the app's own style for a browser, {@code {"error": ...}}
 * for the API. It says why in our words (a reason set where the request was refused, else one per status) and
 * never shows exception text.
 */
@Controller
class ErrorPages implements ErrorController {

    /** Request attribute with the reason to show, set by whoever refused the request. */
    static final String REASON = ErrorPages.class.getName() + ".reason";

    private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);

    @RequestMapping("/error")
    ResponseEntity<?> error(HttpServletRequest request) {
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code ? code : 500;
        String reason = request.getAttribute(REASON) instanceof String r ? r : null;
        if (reason == null && status >= 500) {
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.error("failure answered with {}, reference {}: {}", status, reference,
                    request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                    (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
            reason = internalError(reference);
        }
        if (reason == null) {
            reason = describe(status);
        }
        String uri = String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
        String accept = request.getHeader("Accept");
        boolean page = !uri.startsWith("/api/") && !uri.startsWith("/actuator")
                && accept != null && accept.contains(MediaType.TEXT_HTML_VALUE);
        if (!page) {
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", reason));
        }
        return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML).body(html(status, reason));
    }

    /** What a status means to the user, when nobody said more. */
    static String describe(int status) {
        return switch (status) {
            case 400 -> "The request is not valid.";
            case 401 -> "Please sign in.";
            case 403 -> "You may not open this.";
            case 404 -> "There is nothing at this address.";
            case 405 -> "This address does not take that kind of request.";
            case 413 -> "The request is too large.";
            case 415 -> "This address does not take that kind of content.";
            case 429 -> "Too many requests: wait a moment and try again.";
            default -> {
                HttpStatus known = HttpStatus.resolve(status);
                yield known == null ? "The request failed (" + status + ")." : known.getReasonPhrase() + ".";
            }
        };
    }

    static String internalError(String reference) {
        return "Something went wrong on our side. If it happens again, give the administrators the reference "
                + reference + ".";
    }

    private static String html(int status, String reason) {
        String title = switch (status) {
            case 403 -> "Access denied";
            case 404 -> "Not found";
            default -> status >= 500 ? "Something went wrong" : "That did not work";
        };
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><title>%s · DICOM Stage</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <link rel="stylesheet" href="/app.css"></head>
                <body>
                <header class="app"><span class="brand">DICOM Stage</span>
                <nav aria-label="Main"><a href="/index.html">DICOM Lookup</a><a href="/tasks.html">My tasks</a></nav></header>
                <main>
                <h1>%s</h1>
                <p role="alert" class="error" id="error-reason">%s</p>
                <p class="muted">Error %d. <a href="/index.html">Back to DICOM Lookup</a></p>
                </main>
                </body></html>
                """.formatted(title, title, HtmlUtils.htmlEscape(reason), status);
    }
}
