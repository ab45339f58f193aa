package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.dicomstage.study.AuditActions;
import org.dicomstage.study.AuditEventView;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.StudyService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

@WebUiTest
@AutoConfigureMockMvc
class WebSecurityTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    StudyService studies;

    @Test
    void demoAccountsLogInWithTheirUsernameAsPassword() throws Exception {
        mvc.perform(formLogin("/login").user(DemoStudyData.RESEARCHER).password(DemoStudyData.RESEARCHER))
                .andExpect(authenticated().withUsername(DemoStudyData.RESEARCHER).withRoles("USER", "RESEARCHER"));
        mvc.perform(formLogin("/login").user(DemoStudyData.ADMIN).password(DemoStudyData.ADMIN))
                .andExpect(authenticated().withRoles("USER", "ADMIN"));
        mvc.perform(formLogin("/login").user(DemoStudyData.OUTSIDER).password(DemoStudyData.OUTSIDER))
                .andExpect(authenticated().withRoles("USER"));
    }

    @Test
    void wrongPasswordAndUnknownUserAreRefused() throws Exception {
        mvc.perform(formLogin("/login").user(DemoStudyData.RESEARCHER).password("wrong"))
                .andExpect(unauthenticated());
        mvc.perform(formLogin("/login").user("nobody").password("nobody")).andExpect(unauthenticated());
    }

    @Test
    void pagesAndApiNeedALogin() throws Exception {
        mvc.perform(get("/index.html")).andExpect(status().is3xxRedirection())
                .andExpect(header().string("Location", org.hamcrest.Matchers.endsWith("/login")));
        mvc.perform(get("/api/me")).andExpect(status().is3xxRedirection());
        mvc.perform(get("/login")).andExpect(status().isOk());
        mvc.perform(get("/vendor/form-viewer.js")).andExpect(status().isOk());
    }

    @Test
    void loginWithoutCsrfTokenIsRefused() throws Exception {
        mvc.perform(post("/login").param("username", "researcher").param("password", "researcher"))
                .andExpect(status().isForbidden());
    }

    @Test
    void postsWithoutCsrfTokenAreRefusedAndAudited() throws Exception {
        mvc.perform(post("/api/studies/RT-HN-2026/subjects/bulk").with(user(DemoStudyData.RESEARCHER))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"text\":\"HN-001\"}"))
                .andExpect(status().isForbidden());
        assertThat(lastAudit(DemoStudyData.RESEARCHER).action()).isEqualTo(AuditActions.ACCESS_DENIED);
        mvc.perform(post("/api/studies/RT-HN-2026/subjects/bulk").with(user(DemoStudyData.RESEARCHER)).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content("{\"text\":\"HN-001\"}"))
                .andExpect(status().isOk());
    }

    @Test
    void meNamesTheUserTheirStudiesAndTheCsrfToken() throws Exception {
        mvc.perform(get("/api/me").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.username").value(DemoStudyData.RESEARCHER))
                .andExpect(jsonPath("$.displayName").value("Rita Researcher"))
                .andExpect(jsonPath("$.studies[*].identifier").value(
                        org.hamcrest.Matchers.containsInAnyOrder(DemoStudyData.RT_HN_2026, DemoStudyData.QOL_2025)))
                .andExpect(jsonPath("$.csrf.headerName").value("X-CSRF-TOKEN"))
                .andExpect(jsonPath("$.csrf.token").isNotEmpty());
    }

    @Test
    void forgedStudyIdIsForbiddenAndAudited() throws Exception {
        mvc.perform(get("/api/studies/RT-HN-2026/subjects").param("q", "HN").with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("You are not a member of study RT-HN-2026."));
        AuditEventView audit = lastAudit(DemoStudyData.OUTSIDER);
        assertThat(audit.action()).isEqualTo(AuditActions.ACCESS_DENIED);
        assertThat(audit.studyIdentifier()).isEqualTo(DemoStudyData.RT_HN_2026);

        mvc.perform(get("/api/studies/NO-SUCH-STUDY/requests").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isForbidden());
        assertThat(lastAudit(DemoStudyData.RESEARCHER).studyIdentifier()).isEqualTo("NO-SUCH-STUDY");
    }

    @Test
    void aSubjectOfAnotherStudyIsForbiddenAndAudited() throws Exception {
        // researcher may look up RT-HN-2026, but STUDY0 PIDs are only reachable through an enrolment there.
        mvc.perform(get("/api/studies/RT-HN-2026/subjects/NOT-ENROLLED/dicom-studies")
                        .with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isForbidden());
        AuditEventView audit = lastAudit(DemoStudyData.RESEARCHER);
        assertThat(audit.action()).isEqualTo(AuditActions.ACCESS_DENIED);
        assertThat(audit.subjectPid()).isEqualTo("NOT-ENROLLED");
    }

    @Test
    void forgedTaskIdIsForbiddenAndAudited() throws Exception {
        mvc.perform(get("/api/tasks/2251799813685999").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isForbidden());
        assertThat(lastAudit(DemoStudyData.RESEARCHER).detail()).contains("2251799813685999");
        mvc.perform(post("/api/tasks/2251799813685999/complete").with(user(DemoStudyData.RESEARCHER)).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isForbidden());
    }

    @Test
    void modelerIsForAdminsOnly() throws Exception {
        mvc.perform(get("/modeler.html").with(user(DemoStudyData.RESEARCHER).roles("USER", "RESEARCHER")))
                .andExpect(status().isForbidden());
        assertThat(lastAudit(DemoStudyData.RESEARCHER).detail()).contains("/modeler.html");
        mvc.perform(get("/api/admin/process").with(user(DemoStudyData.COORDINATOR).roles("USER", "COORDINATOR")))
                .andExpect(status().isForbidden());
        mvc.perform(get("/modeler.html").with(user(DemoStudyData.ADMIN).roles("USER", "ADMIN")))
                .andExpect(status().isOk());
    }

    @Test
    void pagesMayLoadNothingFromElsewhere() throws Exception {
        mvc.perform(get("/login"))
                .andExpect(header().string("Content-Security-Policy", WebSecurity.CONTENT_SECURITY_POLICY));
        assertThat(WebSecurity.CONTENT_SECURITY_POLICY).contains("default-src 'self'", "script-src 'self';");
    }

    @Test
    void demoLoginsOnlyOnTheEmbeddedDatabase() {
        WebSecurity.requireEmbeddedDatabase("jdbc:h2:mem:dicomstage", false);
        WebSecurity.requireEmbeddedDatabase("jdbc:postgresql://db/dicomstage", true);
        org.assertj.core.api.Assertions.assertThatIllegalStateException()
                .isThrownBy(() -> WebSecurity.requireEmbeddedDatabase("jdbc:postgresql://db/dicomstage", false))
                .withMessageContaining("dicomstage.security.mode=oidc");
    }

    private AuditEventView lastAudit(String user) {
        return studies.auditFor(user, 0, 1).events().get(0);
    }
}
