package org.dicomstage.web;

import java.util.List;
import org.dicomstage.study.StudyService;
import org.dicomstage.study.StudySummary;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who is signed in, their studies (for the study switcher) and the CSRF token the pages send back. */
@RestController
class MeController {

    private final StudyService studies;
    private final Accounts accounts;

    MeController(StudyService studies, Accounts accounts) {
        this.studies = studies;
        this.accounts = accounts;
    }

    @GetMapping("/api/me")
    Me me(Authentication authentication, CsrfToken csrf) {
        String username = authentication.getName();
        return new Me(username, accounts.displayName(username).orElse(username),
                WebSecurity.roles(authentication.getAuthorities()), studies.studiesOf(username),
                new Csrf(csrf.getHeaderName(), csrf.getToken()));
    }

    record Me(String username, String displayName, List<String> roles, List<StudySummary> studies, Csrf csrf) {
    }

    record Csrf(String headerName, String token) {
    }
}
