package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.dicomstage.study.DemoStudyData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Signing in through a real OpenID provider in headless Chromium: the application in {@code oidc} mode (as the
 * compose stack runs it, here on the embedded H2 with the demo studies) against Spring Authorization Server in this
 * JVM ({@link OidcTestProvider}), which requires PKCE and knows the application's post-logout redirect. The provider
 * says who someone is; the memberships say what they see. Screenshots go to target/screenshots/.
 */
@WebUiTest
// Its own context (oidc mode, this provider's settings); closed after the class, as the provider is.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OidcLoginBrowserIT {

    private static Path profiles;
    private static OidcTestProvider provider;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate db;

    private ChromeDriver browser;
    private WebDriverWait wait;
    private String test;
    private int step;

    @DynamicPropertySource
    static void signInThroughTheProvider(DynamicPropertyRegistry registry) {
        provider = OidcTestProvider.start(List.of(DemoStudyData.RESEARCHER, DemoStudyData.COORDINATOR,
                DemoStudyData.OUTSIDER));
        provider.applicationSettings().forEach((name, value) -> registry.add(name, () -> value));
    }

    @BeforeAll
    static void directories() throws IOException {
        profiles = Files.createTempDirectory("dicomstage-chromium");
    }

    @AfterAll
    static void stopProvider() {
        if (provider != null) {
            provider.close();
        }
    }

    @BeforeEach
    void openBrowser(TestInfo info) throws IOException {
        provider.registerApplication(app(""));
        browser = HeadlessChromium.open(profiles, 800);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        test = info.getTestMethod().orElseThrow().getName();
        step = 0;
    }

    @AfterEach
    void noBlockedContentAndCloseBrowser() {
        HeadlessChromium.assertNothingBlockedAndQuit(browser);
    }

    @Test
    void researcherSignsInAtTheProviderSeesTheirStudyAndSigningOutEndsBothSessions() {
        signIn(DemoStudyData.RESEARCHER);
        waitFor(By.id("subject-search"));
        assertThat(text(By.id("current-user"))).isEqualTo("Rita Researcher (researcher)");
        assertThat(text(By.id("active-study"))).contains(DemoStudyData.RT_HN_2026);
        assertThat(browser.findElements(By.id("no-study"))).allMatch(e -> !e.isDisplayed());
        assertThat(fetch("/api/studies/RT-HN-2026/subjects?q=HN-001")).startsWith("200").contains("HN-001");
        screenshot("signed-in");

        browser.findElement(By.xpath("//button[.='Sign out']")).click();
        // Through the provider's end-session endpoint back to the application.
        wait.until(ExpectedConditions.urlToBe(app(ProviderLogout.SIGNED_OUT)));
        assertThat(text(By.tagName("main"))).contains("You have been signed out.");
        assertThat(browser.findElements(By.id("password"))).as("no password asked by the application").isEmpty();
        screenshot("signed-out");
        // The application's session is gone (the API answers with a redirect to the sign-in, status 0 here), and so
        // is the provider's: coming back asks for the password again instead of signing straight back in.
        assertThat(fetch("/api/me")).startsWith("0 ").doesNotContain(DemoStudyData.RESEARCHER);
        // The audit trail holds both, under the account name, as in demo mode.
        assertThat(db.queryForList("SELECT action FROM audit_event WHERE username = ? AND action IN"
                + " ('LOGIN_SUCCEEDED', 'SIGNED_OUT') ORDER BY id", String.class, DemoStudyData.RESEARCHER))
                .containsSubsequence("LOGIN_SUCCEEDED", "SIGNED_OUT");
        browser.findElement(By.id("sign-in")).click();
        waitForProviderLogin();
        screenshot("asked-again");
        browser.get(app("/tasks.html"));
        waitForProviderLogin();
    }

    @Test
    void outsiderSignsInAtTheProviderAndSeesNothingOfAnyStudy() {
        signIn(DemoStudyData.OUTSIDER);
        waitFor(By.id("no-study"));
        assertThat(text(By.id("current-user"))).isEqualTo("Otto Outsider (outsider)");
        assertThat(browser.findElements(By.id("active-study"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(DemoStudyData.RT_HN_2026).doesNotContain("HN-0");
        screenshot("no-study");

        browser.get(app("/tasks.html"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tasks-status"), "No open tasks"));
        assertThat(browser.findElements(By.cssSelector("#tasks tbody tr"))).isEmpty();
        screenshot("no-tasks");

        // Asked directly, with the session and CSRF token: a refusal, or nothing, and never a subject.
        assertThat(fetch("/api/me")).startsWith("200").contains("\"studies\":[]").contains("\"roles\":[\"USER\"]");
        assertThat(fetch("/api/studies/RT-HN-2026/subjects?q=HN")).startsWith("403").doesNotContain("HN-0");
        assertThat(fetch("/api/studies/RT-HN-2026/requests")).startsWith("403");
        assertThat(fetch("/api/tasks")).isEqualTo("200 []");
        assertThat(fetch("/api/processes")).startsWith("200").contains("\"items\":[]").contains("\"total\":0");
    }

    @Test
    void coordinatorGetsTheRoleOfTheirMembership() {
        signIn(DemoStudyData.COORDINATOR);
        waitFor(By.id("subject-search"));
        assertThat(text(By.id("current-user"))).isEqualTo("Carl Coordinator (coordinator)");
        assertThat(browser.findElements(By.linkText("Processes"))).hasSize(1);
        assertThat(browser.findElements(By.linkText("Modeler"))).isEmpty();
        screenshot("signed-in");
    }

    /** The application sends the browser to the provider's login form; the provider sends it back signed in. */
    private void signIn(String user) {
        browser.get(app("/"));
        waitForProviderLogin();
        screenshot("provider-login");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(provider.password(user));
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("current-user")));
        assertThat(browser.getCurrentUrl()).startsWith(app("/"));
    }

    private void waitForProviderLogin() {
        wait.until(ExpectedConditions.urlToBe(provider.baseUrl() + "/login"));
        waitFor(By.id("password"));
    }

    /** Status and body of a GET from the page, with its session; a redirect is not followed (status 0). */
    private String fetch(String path) {
        return String.valueOf(((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], { redirect: 'manual' })
                    .then(r => r.text().then(t => done(r.status + ' ' + t)), e => done('failed ' + e));
                """, path));
    }

    private void waitFor(By by) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private String text(By by) {
        return browser.findElement(by).getText().trim();
    }

    private String app(String path) {
        return "http://localhost:" + port + path;
    }

    private void screenshot(String name) {
        HeadlessChromium.screenshot(browser, "%s-%02d-%s.png".formatted(test, ++step, name));
    }
}
