package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.camunda.client.CamundaClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dicomstage.study.AuditEventView;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;

/**
 * The admin's modeler in headless Chromium: the Zeebe properties panel, the Camunda 8.8 lint, the server's checks,
 * and a deployment after a diff and a confirmation. Screenshots go to target/screenshots/.
 */
@WebUiTest
class ModelerBrowserIT {

    private static Path profiles;

    @LocalServerPort
    int port;
    @Autowired
    StudyService studies;
    @Autowired
    ProcessInstances instances;
    @Autowired
    CamundaClient camunda;

    private ChromeDriver browser;
    private WebDriverWait wait;
    private String test;
    private int step;
    private final List<String> console = new ArrayList<>();

    @BeforeAll
    static void directories() throws IOException {
        profiles = Files.createTempDirectory("dicomstage-chromium");
    }

    @BeforeEach
    void openBrowser(TestInfo info) throws IOException {
        browser = HeadlessChromium.open(profiles, 900);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        test = info.getTestMethod().orElseThrow().getName();
        step = 0;
    }

    /** The deployed change would reach every later test in this cached context: the shipped model goes back. */
    @AfterEach
    void closeBrowserAndPutTheShippedModelBack() throws IOException {
        HeadlessChromium.assertNothingBlockedAndQuit(browser);
        String shipped = new ClassPathResource(ProcessDefinition.BPMN_RESOURCE).getContentAsString(StandardCharsets.UTF_8);
        if (!shipped.equals(instances.xml(instances.definitions().get(0).key()).orElse(""))) {
            camunda.newDeployResourceCommand().addResourceStringUtf8(shipped, "create-project-specific-dicom.bpmn")
                    .send().join();
        }
    }

    @Test
    void adminChangesRetriesInThePropertiesPanelSeesTheDiffAndDeploys() {
        int deployedBefore = instances.definitions().get(0).version();
        login(DemoStudyData.ADMIN);
        browser.get(url("/modeler.html"));
        By stageSeries = By.cssSelector("#canvas g.djs-element[data-element-id='StageSeries']");
        wait.until(ExpectedConditions.presenceOfElementLocated(stageSeries));
        screenshot("opened");

        // Selecting the service task shows its Camunda 8 properties: the job type our worker serves.
        browser.findElement(stageSeries).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#properties .bio-properties-panel-header"), "Stage series"));
        openGroup("taskDefinition");
        WebElement jobType = waitFor(By.id("bio-properties-panel-taskDefinitionType"));
        assertThat(jobType.getDomProperty("value")).isEqualTo(ProcessDefinition.JobTypes.STAGE_SERIES);
        WebElement retries = browser.findElement(By.id("bio-properties-panel-taskDefinitionRetries"));
        assertThat(retries.getDomProperty("value")).isEqualTo("5");
        retries.sendKeys(Keys.chord(Keys.CONTROL, "a"), "7", Keys.TAB);
        screenshot("retries-changed");

        // Validate: the recommended and Camunda 8.8 rules and the server's checks find nothing to stop a deployment.
        browser.findElement(By.id("validate")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Validation: 0 error(s)"));
        scrollTo(By.id("problems"));
        screenshot("validated");

        // Deploy shows what changes against the newest deployed version, and nothing else, before anything happens.
        browser.findElement(By.id("deploy")).click();
        WebElement dialog = waitFor(By.id("deploy-dialog"));
        assertThat(text(By.id("deploy-against"))).isEqualTo("Changes against version " + deployedBefore
                + ", the newest deployed:");
        assertThat(text(By.id("changes-changed"))).isEqualTo("Stage series (StageSeries) – service task\n"
                + "zeebe:taskDefinition retries: '5' → '7'");
        assertThat(browser.findElements(By.id("changes-added"))).isEmpty();
        assertThat(browser.findElements(By.id("changes-removed"))).isEmpty();
        assertThat(text(By.id("deploy-dialog"))).doesNotContain("null", "undefined");
        assertThat(instances.definitions().get(0).version()).as("nothing deployed before the confirmation")
                .isEqualTo(deployedBefore);
        screenshot("diff");

        browser.findElement(By.id("deploy-confirm")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"),
                "Deployed version " + (deployedBefore + 1) + "."));
        assertThat(dialog.isDisplayed()).isFalse();
        assertThat(new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("version")))
                .getFirstSelectedOption().getText()).startsWith("v" + (deployedBefore + 1));
        screenshot("deployed");

        AuditEventView audit = studies.auditFor(DemoStudyData.ADMIN, 0, 1).events().get(0);
        assertThat(audit.action()).isEqualTo(ModelerController.PROCESS_DEPLOYED);
        assertThat(audit.detail()).contains("version " + (deployedBefore + 1), "against version " + deployedBefore,
                "changed Stage series (StageSeries): zeebe:taskDefinition retries: '5' → '7'");
        assertThat(consoleMessages()).as("browser console").noneMatch(m -> m.contains("keyboard.bindTo"));
    }

    @Test
    void aJobTypeNoWorkerServesIsShownAndNotDeployed() {
        int deployedBefore = instances.definitions().get(0).version();
        login(DemoStudyData.ADMIN);
        browser.get(url("/modeler.html"));
        By verify = By.cssSelector("#canvas g.djs-element[data-element-id='VerifyStagedCopy']");
        wait.until(ExpectedConditions.presenceOfElementLocated(verify));
        browser.findElement(verify).click();
        openGroup("taskDefinition");
        WebElement jobType = waitFor(By.id("bio-properties-panel-taskDefinitionType"));
        jobType.sendKeys(Keys.chord(Keys.CONTROL, "a"), "dicomstage.verify-v2", Keys.TAB);

        browser.findElement(By.id("deploy")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("problem-list"),
                "Verify staged copy (VerifyStagedCopy) – job type 'dicomstage.verify-v2' is served by no worker"));
        assertThat(text(By.id("status"))).contains("Not deployed");
        assertThat(browser.findElement(By.id("deploy-dialog")).isDisplayed()).isFalse();
        assertThat(instances.definitions().get(0).version()).isEqualTo(deployedBefore);
        screenshot("unknown-job-type");
        assertThat(consoleMessages()).as("browser console").noneMatch(m -> m.contains("keyboard.bindTo"));
    }

    /** The review reminder's timer is a FEEL expression: the properties panel edits it in its FEEL editor. */
    @Test
    void adminChangesTheReviewReminderTimerAndDeploys() {
        int deployedBefore = instances.definitions().get(0).version();
        login(DemoStudyData.ADMIN);
        browser.get(url("/modeler.html"));
        By reminder = By.cssSelector("#canvas g.djs-element[data-element-id='ReviewReminder']");
        wait.until(ExpectedConditions.presenceOfElementLocated(reminder));
        browser.findElement(reminder).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#properties .bio-properties-panel-header"), "Review reminder"));
        openGroup("timer");
        WebElement timer = waitFor(By.id("bio-properties-panel-timerEventDefinitionValue"));
        assertThat(timer.getText()).contains("reviewReminderAfter");
        timer.click();
        timer.sendKeys(Keys.chord(Keys.CONTROL, "a"), "\"R/PT12H\"");
        browser.findElement(By.cssSelector("#properties .bio-properties-panel-header")).click();
        screenshot("timer-changed");

        browser.findElement(By.id("validate")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Validation: 0 error(s)"));
        browser.findElement(By.id("deploy")).click();
        waitFor(By.id("deploy-dialog"));
        assertThat(text(By.id("changes-changed"))).startsWith("Review reminder (ReviewReminder) – boundary event\n"
                + "timerEventDefinition › timeCycle: '=").contains("reviewReminderAfter").endsWith("→ '=\"R/PT12H\"'");
        assertThat(browser.findElements(By.id("changes-added"))).isEmpty();
        assertThat(browser.findElements(By.id("changes-removed"))).isEmpty();
        screenshot("diff");
        browser.findElement(By.id("deploy-confirm")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"),
                "Deployed version " + (deployedBefore + 1) + "."));
        screenshot("deployed");
        assertThat(studies.auditFor(DemoStudyData.ADMIN, 0, 1).events().get(0).detail())
                .contains("changed Review reminder (ReviewReminder): timerEventDefinition › timeCycle:");
    }

    private void scrollTo(By by) {
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()",
                browser.findElement(by));
    }

    /** Opens a group of the properties panel (they start closed). */
    private void openGroup(String id) {
        By header = By.cssSelector("#properties [data-group-id='group-" + id + "'] .bio-properties-panel-group-header");
        WebElement group = waitFor(header);
        if (!group.getDomAttribute("class").contains("open")) {
            group.click();
        }
    }

    /**
     * Everything the page logged so far (reading the log empties it: keep what was read). A blocked load is checked
     * here too, since the check after each test no longer sees what was read here.
     */
    private List<String> consoleMessages() {
        browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).forEach(console::add);
        assertThat(console).as("content blocked by the content security policy")
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Refused to"));
        return console;
    }

    private void login(String user) {
        browser.get(url("/"));
        wait.until(ExpectedConditions.urlContains("/login"));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(user, Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("current-user")));
    }

    private WebElement waitFor(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private String text(By by) {
        return browser.findElement(by).getText().trim();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private void screenshot(String name) {
        HeadlessChromium.screenshot(browser, "%s-%02d-%s.png".formatted(test, ++step, name));
    }
}
