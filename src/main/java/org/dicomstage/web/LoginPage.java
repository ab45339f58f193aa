package org.dicomstage.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/**
 * Our own login page: Spring's generated one is not styled like the rest and not ours to make accessible. With
 * {@code dicomstage.security.mode=oidc} people sign in at the identity provider, and this page is only where signing
 * out (or a failed sign-in) ends: it says so and links back, which goes to the provider again.
 */
@Controller
class LoginPage {

    private final boolean atProvider;

    LoginPage(@Value("${dicomstage.security.mode:demo}") String mode) {
        this.atProvider = "oidc".equals(mode);
    }

    @GetMapping(value = "/login", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    String login(HttpServletRequest request) {
        if (atProvider) {
            return page(request.getParameter("error") != null
                    ? alert("Signing in through the identity provider did not succeed. Try again.")
                    : message(request), "<p><a id=\"sign-in\" href=\"/\">Sign in again</a></p>\n");
        }
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        return page(message(request), """
                <form method="post" action="/login">
                  <label for="username">Username</label>
                  <input id="username" name="username" autocomplete="username" required autofocus>
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="current-password" required>
                  <input type="hidden" name="%s" value="%s">
                  <button type="submit">Sign in</button>
                </form>
                """.formatted(HtmlUtils.htmlEscape(csrf.getParameterName()), HtmlUtils.htmlEscape(csrf.getToken())));
    }

    private static String page(String message, String body) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Sign in · DICOM Stage</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <link rel="stylesheet" href="/app.css"></head>
                <body class="login">
                <main>
                <h1>DICOM Stage</h1>
                %s
                %s</main>
                </body></html>
                """.formatted(message, body);
    }

    private static String message(HttpServletRequest request) {
        String wait = request.getParameter("wait");
        if (wait != null && wait.matches("[0-9]{1,6}")) {
            long seconds = Long.parseLong(wait);
            String when = seconds < 120 ? seconds + " seconds" : (seconds + 59) / 60 + " minutes";
            return alert("Too many failed sign-ins for this account or from this address. Try again in " + when
                    + ".");
        }
        if (request.getParameter("remote") != null) {
            return alert("The demo accounts sign in only from the machine DICOM Stage runs on (localhost).");
        }
        if (request.getParameter("error") != null) {
            return alert("Wrong username or password.");
        }
        return request.getParameter("logout") != null ? "<p role=\"status\">You have been signed out.</p>" : "";
    }

    private static String alert(String text) {
        return "<p role=\"alert\" class=\"error\" id=\"login-error\">" + HtmlUtils.htmlEscape(text) + "</p>";
    }
}
