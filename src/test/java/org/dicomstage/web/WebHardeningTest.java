package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.AuditEventView;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.NewStagingRequest;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.UserTask;
import org.dicomstage.workflow.UserTasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * The edges attacked in issue 11 and the messages of issue 12: sign-in from the network and by guessing, actuator
 * detail, oversized and malformed input, ids that reveal whether they exist, exception text, and the session
 * cookie. Each answer is what a user or an attacker would see.
 */
@WebUiTest
@AutoConfigureMockMvc
class WebHardeningTest {

    /** A loopback address of its own, so the address back-off of one test does not lock out another's sign-ins. */
    private static final String GUESSER = "127.0.0.23";

    @Autowired
    MockMvc mvc;
    @Autowired
    StudyService studies;
    @Autowired
    LoginThrottle throttle;
    @Autowired
    UserTasks tasks;
    @Autowired
    ObjectMapper json;
    @Autowired
    io.camunda.client.CamundaClient camunda;
    @LocalServerPort
    int port;

    @AfterEach
    void forgetFailedSignIns() {
        throttle.clear();
    }

    // ---------------------------------------------------------------- sign-in

    @Test
    void demoAccountsDoNotSignInFromTheNetwork() throws Exception {
        mvc.perform(login(DemoStudyData.RESEARCHER, DemoStudyData.RESEARCHER, "192.0.2.77"))
                .andExpect(unauthenticated()).andExpect(redirectedUrl("/login?remote"));
        assertThat(lastAudit(DemoStudyData.RESEARCHER).action()).isEqualTo(DemoLoginGuard.LOGIN_NOT_LOOPBACK);
        assertThat(lastAudit(DemoStudyData.RESEARCHER).detail()).contains("192.0.2.77");
        mvc.perform(get("/login").param("remote", ""))
                .andExpect(content().string(org.hamcrest.Matchers.containsString(
                        "sign in only from the machine DICOM Stage runs on")));
        // IPv6 loopback and any 127.x address are this machine.
        mvc.perform(login(DemoStudyData.RESEARCHER, DemoStudyData.RESEARCHER, "0:0:0:0:0:0:0:1")).andExpect(authenticated());
    }

    @Test
    void fiftyWrongPasswordsLockTheAccountOutEvenForTheRightOne() throws Exception {
        for (int i = 0; i < 50; i++) {
            mvc.perform(login(DemoStudyData.OUTSIDER, "guess-" + i, GUESSER))
                    .andExpect(unauthenticated());
        }
        MockHttpServletResponse refused = mvc.perform(login(DemoStudyData.OUTSIDER, DemoStudyData.OUTSIDER, GUESSER))
                .andExpect(unauthenticated()).andExpect(redirectedUrlPattern("/login?wait=*"))
                .andReturn().getResponse();
        long wait = Long.parseLong(refused.getRedirectedUrl().substring("/login?wait=".length()));
        assertThat(wait).as("seconds to wait after 50 failures").isGreaterThan(14 * 60)
                .isLessThanOrEqualTo(LoginThrottle.MAX_WAIT.toSeconds());
        mvc.perform(get(refused.getRedirectedUrl())).andExpect(content().string(org.hamcrest.Matchers.containsString(
                "Too many failed sign-ins for this account or from this address. Try again in 15 minutes.")));

        List<AuditEventView> trail = studies.auditFor(DemoStudyData.OUTSIDER, 0, 60).events();
        assertThat(trail.stream().filter(e -> e.action().equals(DemoLoginGuard.LOGIN_FAILED)))
                .as("checked and wrong").hasSize(LoginThrottle.FREE_FAILURES + 1);
        assertThat(trail.stream().filter(e -> e.action().equals(DemoLoginGuard.LOGIN_THROTTLED)))
                .as("refused while waiting, the right password included").hasSize(50 - LoginThrottle.FREE_FAILURES);
        assertThat(trail.get(0).detail()).contains(GUESSER);

        // Another address is not held back by this account's failures... but the account still is.
        mvc.perform(login(DemoStudyData.OUTSIDER, DemoStudyData.OUTSIDER, "127.0.0.24")).andExpect(unauthenticated());
        mvc.perform(login(DemoStudyData.RESEARCHER, DemoStudyData.RESEARCHER, "127.0.0.24")).andExpect(authenticated());
    }

    @Test
    void theBackOffDoublesFromTheSixthFailure() {
        assertThat(LoginThrottle.waitAfter(LoginThrottle.FREE_FAILURES + 1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(LoginThrottle.waitAfter(LoginThrottle.FREE_FAILURES + 4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(LoginThrottle.waitAfter(1_000)).isEqualTo(LoginThrottle.MAX_WAIT);
    }

    // ---------------------------------------------------------------- actuator

    @Test
    void healthIsPublicButHostsPortsAndPathsAreForAdminsOnly() throws Exception {
        for (RequestPostProcessor who : List.of(anonymous(), user(DemoStudyData.OUTSIDER).roles("USER"),
                user(DemoStudyData.RESEARCHER).roles("USER", "RESEARCHER"))) {
            String body = mvc.perform(get("/actuator/health").with(who)).andExpect(status().isOk())
                    .andReturn().getResponse().getContentAsString();
            assertThat(json.readTree(body).fieldNames()).toIterable().containsExactly("status");
            assertThat(body).doesNotContain("dicomNodes", "port", "/tmp", "STUDY0");
        }
        String admin = mvc.perform(get("/actuator/health").with(user(DemoStudyData.ADMIN).roles("USER", "ADMIN")))
                .andReturn().getResponse().getContentAsString();
        assertThat(json.readTree(admin).path("components").path("dicomNodes").path("components").path("study0")
                .path("details").path("node").asText()).contains("STUDY0");
    }

    @Test
    void metricsAndPrometheusAreForAdminsOnly() throws Exception {
        for (String endpoint : List.of("/actuator/metrics", "/actuator/prometheus",
                "/actuator/metrics/dicomstage.staged.instances")) {
            mvc.perform(get(endpoint).with(user(DemoStudyData.RESEARCHER).roles("USER", "RESEARCHER")))
                    .andExpect(status().isForbidden());
            mvc.perform(get(endpoint).with(user(DemoStudyData.COORDINATOR).roles("USER", "COORDINATOR")))
                    .andExpect(status().isForbidden());
        }
        mvc.perform(get("/actuator/metrics").with(user(DemoStudyData.ADMIN).roles("USER", "ADMIN")))
                .andExpect(status().isOk());
        // Tests export no metrics (Spring Boot turns the Prometheus registry off), so the endpoint itself is absent
        // here: the admin gets past the check, the others are stopped before it.
        mvc.perform(get("/actuator/prometheus").with(user(DemoStudyData.ADMIN).roles("USER", "ADMIN")))
                .andExpect(status().isNotFound());
    }

    // ---------------------------------------------------------------- input caps

    @Test
    void aBulkSearchOf700000TermsIsRefusedWithoutReadingItAll() throws Exception {
        StringBuilder text = new StringBuilder(5_600_000);
        for (int i = 0; i < 700_000; i++) {
            text.append("HN-").append(1000 + i % 9000).append(',');
        }
        String body = json.writeValueAsString(Map.of("text", text.toString()));
        assertThat(body.length()).isGreaterThan(5_000_000);
        mvc.perform(bulk(body)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("A bulk search is at most 64 KiB (1000 terms): split the list."));
    }

    @Test
    void aFiveMegabyteTermIsNotEchoed() throws Exception {
        String term = "X".repeat(5 * 1024 * 1024);
        MockHttpServletResponse answer = mvc.perform(bulk(json.writeValueAsString(Map.of("text", term))))
                .andExpect(status().isBadRequest()).andReturn().getResponse();
        assertThat(answer.getContentAsString()).hasSizeLessThan(200).doesNotContain("XXXX");
        // Below the body cap, a term longer than any identifier is refused by position, not echoed either.
        answer = mvc.perform(bulk(json.writeValueAsString(Map.of("text", "HN-001 " + "Y".repeat(5000)))))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(
                        "Term 2 is longer than 64 characters, longer than any subject's identifier."))
                .andReturn().getResponse();
        assertThat(answer.getContentAsString()).doesNotContain("YYYY");
        mvc.perform(get("/api/studies/RT-HN-2026/subjects").param("q", "Z".repeat(10_000))
                        .with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value(
                        "'q' is longer than 64 characters."));
    }

    @Test
    void moreThanAThousandTermsAreRefusedWithTheLimit() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1001; i++) {
            text.append('T').append(i).append(' ');
        }
        mvc.perform(bulk(json.writeValueAsString(Map.of("text", text.toString())))).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("A bulk search takes at most 1000 terms, not 1001: split the list."));
    }

    @Test
    void aFiveThousandCharacterUidOnEditIsABadRequestNamingTheField() throws Exception {
        mvc.perform(post("/api/studies/RT-HN-2026/subjects/PID-0021/dicom-studies/" + "1.2".repeat(1667) + "/edit")
                        .with(user(DemoStudyData.RESEARCHER)).with(csrf()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(
                        "'uid' is not a DICOM UID (digits and dots, at most 64 characters)."));
        mvc.perform(post("/api/studies/RT-HN-2026/subjects/" + "P".repeat(65) + "/dicom-studies/1.2.3/edit")
                        .with(user(DemoStudyData.RESEARCHER)).with(csrf()))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value(
                        org.hamcrest.Matchers.startsWith("'pid' is not a patient ID")));
        mvc.perform(get("/api/studies/" + "S".repeat(5000) + "/requests").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value(
                        org.hamcrest.Matchers.startsWith("'study' is not a study identifier")));
    }

    @Test
    void aNonNumericIdIsABadRequestWithoutTheParsersText() throws Exception {
        mvc.perform(get("/api/requests/abc").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("'id' must be a number."));
        mvc.perform(get("/api/processes/abc").with(user(DemoStudyData.COORDINATOR).roles("USER", "COORDINATOR")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("'key' must be a number."));
        mvc.perform(post("/api/studies/RT-HN-2026/subjects/bulk").with(user(DemoStudyData.RESEARCHER)).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content("{not json"))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(
                        "Unexpected character"))));
    }

    // ---------------------------------------------------------------- ids that reveal nothing

    @Test
    void anUnknownRequestAndSomeoneElsesReadTheSame() throws Exception {
        long existing = studies.createStagingRequest(new NewStagingRequest(DemoStudyData.RESEARCHER,
                DemoStudyData.RT_HN_2026, DemoStudyData.pid(22), TestPatientStudies.CT_STUDY_UID));
        long unknown = 999_999;
        MockHttpServletResponse forbidden = mvc.perform(get("/api/requests/" + existing)
                .with(user(DemoStudyData.OUTSIDER))).andReturn().getResponse();
        MockHttpServletResponse missing = mvc.perform(get("/api/requests/" + unknown)
                .with(user(DemoStudyData.OUTSIDER))).andReturn().getResponse();
        assertThat(missing.getStatus()).isEqualTo(forbidden.getStatus()).isEqualTo(403);
        assertThat(missing.getContentAsString().replace(Long.toString(unknown), "#"))
                .isEqualTo(forbidden.getContentAsString().replace(Long.toString(existing), "#"));
        assertThat(json.readTree(missing.getContentAsString()).path("error").asText())
                .isEqualTo("There is no staging request 999999 in the studies you may look up.");
        assertThat(lastAudit(DemoStudyData.OUTSIDER).action()).isEqualTo(AuditActions.ACCESS_DENIED);
        // The verification of the same request answers alike.
        mvc.perform(get("/api/requests/" + unknown + "/verification").with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isForbidden());
    }

    @Test
    void theProcessXmlOfAnOutsiderIsAnAuditedRefusalNotAServerError() throws Exception {
        mvc.perform(get("/api/processes/2251799813685999/xml").with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.error").value(
                        "There is no process instance 2251799813685999 in the studies you coordinate."));
        assertThat(lastAudit(DemoStudyData.OUTSIDER).detail()).contains("2251799813685999");
    }

    // ---------------------------------------------------------------- messages with the real reason

    @Test
    void aMissingRightIsNamed() throws Exception {
        mvc.perform(post("/api/studies/RT-HN-2026/subjects/PID-0021/dicom-studies/1.2.3/edit")
                        .with(user(DemoStudyData.COORDINATOR)).with(csrf()))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("You lack the stage right in RT-HN-2026."));
        mvc.perform(get("/api/studies/RT-HN-2026/requests").with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("You are not a member of study RT-HN-2026."));
    }

    @Test
    void aTaskCompletedElsewhereSaysByWhomAndWhen() throws Exception {
        // Select patient: a task of RT-HN-2026, so the study's other members may learn that it was completed.
        ProcessDriver driver = new ProcessDriver(camunda, tasks);
        UserTask select = driver.atSelectPatient(DemoStudyData.RESEARCHER, "HN-021");
        String selection = "{\"subjectSelectionMode\":\"one\",\"subjectId\":\"HN-021\"}";
        mvc.perform(post("/api/tasks/" + select.key() + "/complete").with(user(DemoStudyData.RESEARCHER))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON).content(selection))
                .andExpect(status().isNoContent());

        // The same task, submitted again from a second tab, and opened by another member of the study.
        String again = mvc.perform(post("/api/tasks/" + select.key() + "/complete")
                        .with(user(DemoStudyData.RESEARCHER)).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content(selection))
                .andExpect(status().isForbidden()).andReturn().getResponse().getContentAsString();
        assertThat(json.readTree(again).path("error").asText())
                .matches("Task " + select.key() + " was already completed by you at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.");
        mvc.perform(get("/api/tasks/" + select.key()).with(user(DemoStudyData.COORDINATOR)))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.startsWith(
                        "Task " + select.key() + " was already completed by researcher at ")));
        // Someone outside the study learns nothing about it, nor about an open task of it.
        mvc.perform(get("/api/tasks/" + select.key()).with(user(DemoStudyData.OUTSIDER)))
                .andExpect(jsonPath("$.error").value("There is no open task " + select.key() + " that you may see."));
        UserTask next = driver.atSelectPatient(DemoStudyData.RESEARCHER, "HN-023");
        mvc.perform(get("/api/tasks/" + next.key()).with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("There is no open task " + next.key() + " that you may see."));
    }

    @Test
    void anAdminInStudy0GetsAnExplanationNotAServerError() throws Exception {
        mvc.perform(get("/api/studies/STUDY0/subjects/PID-0001/dicom-studies").with(user(DemoStudyData.ADMIN)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.startsWith(
                        "Study STUDY0 is the research archive itself")));
    }

    @Test
    void refusedAndMissingPagesAreOurOwnWithTheReason() throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String loginPage = http.send(HttpRequest.newBuilder(URI.create(url("/login"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
                .matcher(loginPage);
        assertThat(token.find()).as("CSRF token on the login page").isTrue();
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=researcher&password=researcher&_csrf="
                        + java.net.URLEncoder.encode(token.group(1), java.nio.charset.StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));

        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(url("/modeler.html")))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).doesNotContain("Whitelabel").contains("/app.css", "<h1>Access denied</h1>",
                "This is for administrators, and researcher is not one.");

        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(url("/no-such-page.html")))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).doesNotContain("Whitelabel").contains("/app.css", "There is nothing at this address.");
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(url("/api/admin/process"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(json.readTree(api.body()).path("error").asText())
                .isEqualTo("This is for administrators, and researcher is not one.");
    }

    // ---------------------------------------------------------------- cookies

    @Test
    void theSessionCookieIsSameSiteLax() throws Exception {
        HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/login")))
                .build(), HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("SameSite=Lax", "HttpOnly").doesNotContain("Secure");
    }

    // ---------------------------------------------------------------- helpers

    private static RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }

    private static org.springframework.test.web.servlet.RequestBuilder login(String username, String password,
                                                                           String address) {
        return post("/login").param("username", username).param("password", password).with(csrf())
                .with(from(address));
    }

    private static RequestPostProcessor anonymous() {
        return request -> request;
    }

    private static org.springframework.test.web.servlet.RequestBuilder bulk(String body) {
        return post("/api/studies/RT-HN-2026/subjects/bulk").with(user(DemoStudyData.RESEARCHER)).with(csrf())
                .contentType(MediaType.APPLICATION_JSON).content(body);
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private AuditEventView lastAudit(String user) {
        return studies.auditFor(user, 0, 1).events().get(0);
    }
}
