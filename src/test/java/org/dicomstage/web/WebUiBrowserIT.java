package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.camunda.client.CamundaClient;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.NewStagingRequest;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.SeriesSelection;
import org.dicomstage.study.SeriesStatus;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.UserTask;
import org.dicomstage.workflow.UserTasks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The UI in headless Chromium against the whole application (ZPT engine, H2, demo accounts, test double for the
 * Study0 listing, workers off). The full journey on real workers and archives is {@link WebUiJourneyIT}. Debian's chromium and chromedriver are used as installed, so Selenium Manager downloads nothing.
 * Screenshots of every step go to target/screenshots/.
 */
@WebUiTest
class WebUiBrowserIT {

    private static Path profiles;

    @LocalServerPort
    int port;
    @Autowired
    CamundaClient camunda;
    @Autowired
    UserTasks tasks;
    @Autowired
    StudyService studies;
    @Autowired
    org.dicomstage.study.ReviewSettings reviewSettings;

    private ChromeDriver browser;
    private WebDriverWait wait;
    private String test;
    private int step;

    @BeforeAll
    static void directories() throws IOException {
        profiles = Files.createTempDirectory("dicomstage-chromium");
    }

    @BeforeEach
    void openBrowser(TestInfo info) throws IOException {
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
    void researcherSearchesBulkSearchesAndEditStartsTheProcessPastTheChoiceSteps() {
        login(DemoStudyData.RESEARCHER);
        waitFor(By.id("subject-search"));
        assertThat(text(By.id("current-user"))).contains("Rita Researcher");
        screenshot("lookup");

        // Select One: at most ten suggestions, then "more…".
        browser.findElement(By.id("subject-search")).sendKeys("hn-0");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#subject-suggestions li")));
        List<WebElement> suggestions = browser.findElements(By.cssSelector("#subject-suggestions li[role=option]"));
        assertThat(suggestions).hasSize(11);
        assertThat(suggestions.get(10).getText()).startsWith("more…");
        screenshot("suggestions");
        browser.findElement(By.id("subject-search")).sendKeys(Keys.ARROW_DOWN, Keys.ENTER);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#patients tbody tr[data-pid]"), 1));

        // Bulk search: mixed separators, partial ids, one term matching nobody.
        browser.findElement(By.id("bulk-text")).sendKeys("HN-011; hn-012,\nHN-RT nobody-here");
        browser.findElement(By.id("bulk-search")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("unmatched-terms")));
        assertThat(text(By.id("unmatched-terms"))).containsIgnoringCase("nobody-here");
        assertThat(browser.findElements(By.cssSelector("#patients tbody tr[data-pid]"))).hasSize(4);
        screenshot("bulk-search");

        // Expand a patient: their Study0 studies with the Project column.
        WebElement first = browser.findElement(By.cssSelector("#patients tbody tr[data-pid] button.toggle"));
        first.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("td.nested tbody tr")));
        assertThat(text(By.cssSelector("td.nested tbody tr td.project"))).isEqualTo("Partial (1 of 4)");
        screenshot("patient-studies");

        // Edit starts the process with study, subject and Study0 study fixed: no Activate study or Select patient
        // form. Workers are off here, so the tasks page waits at the access check (the journey test goes on).
        browser.findElement(By.cssSelector("td.nested tbody tr button[aria-label^='Edit']")).click();
        wait.until(ExpectedConditions.urlContains("/tasks.html?instance="));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("journey-heading"),
                "Checking your access to the study"));
        assertThat(browser.findElements(By.cssSelector("#form-container .fjs-form"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("Choose the study");
        screenshot("edit-started-waiting");
    }

    /**
     * Staging as the tasks page shows it while no task waits: each series' progress, a failure in words with the
     * retry time; then the cancel dialog, the cancel path and the end in words. Workers are off: the test does their
     * part, writing the series' progress as the stage-series worker records it.
     */
    @Test
    void researcherFollowsStagingSeriesBySeriesThenCancelsWithAReasonAndSeesTheEnd() {
        String study0Study = "1.2.826.0.1.3680043.10.9.15";
        StagingJourney journey = threeSeriesConfirmed(study0Study, "HN-015", 15);
        long request = journey.request();
        long instance = journey.instance();
        // What the stage-series workers have recorded so far: one series half-way, one staged, and one whose
        // archive refused the connection, retried by the engine in 20 s.
        studies.addSeries(request, List.of(new SeriesSelection(study0Study, study0Study + ".3", "RTPLAN", "Plan A", 1)),
                List.of(new SeriesSelection(study0Study, study0Study + ".1", "CT", "Planning CT", 120),
                        new SeriesSelection(study0Study, study0Study + ".2", "RTSTRUCT", "Contours", 1)));
        studies.markSeries(request, study0Study + ".1", SeriesStatus.STAGING, 48, null, null);
        studies.markSeries(request, study0Study + ".3", SeriesStatus.STAGED, 1, null, "2.25.3");
        studies.markSeries(request, study0Study + ".2", SeriesStatus.FAILED, 0, "staging series RTSTRUCT 'Contours' ("
                + study0Study + ".2) from node 'study0' to node 'holding' failed: cannot connect to node 'holding'"
                + " at 127.0.0.1:11119: Connection refused (retry in 20 s, 3 left)", null);

        login(DemoStudyData.RESEARCHER);
        browser.get(url("/tasks.html?instance=" + instance));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("journey-heading"), "Staging"));
        waitFor(By.cssSelector("#journey table.journey-series"));
        String progress = text(By.id("journey"));
        assertThat(progress).contains("Planning CT", "Staged 48 of 120", "48 / 120", "Plan A", "Staged 1 of 1",
                "The archive did not answer.", "Retrying at ", "a coordinator is notified if it keeps failing")
                .doesNotContain("127.0.0.1", "Connection refused", "Exception");
        screenshot("staging-progress");

        browser.findElement(By.id("journey-cancel")).click();
        waitFor(By.id("cancel-dialog"));
        browser.findElement(By.id("cancel-confirm")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cancel-dialog"),
                "Give a reason for cancelling."));
        browser.findElement(By.id("cancel-reason")).sendKeys("Wrong Study0 study: the planning CT is from 2025.");
        screenshot("cancel-dialog");
        browser.findElement(By.id("cancel-confirm")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "Cancelling request #" + request));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("journey-heading"),
                "Cancelling: emptying the holding copy"));
        assertThat(browser.findElements(By.id("journey-cancel"))).as("no second cancel offered").isEmpty();
        screenshot("cancelling");

        // The cancel path's workers: record the cancel, empty the holding copy, close the request.
        io.camunda.client.api.response.ActivatedJob clear = activateJob(instance, "dicomstage.clear-holding");
        studies.cancelRequestsOf(instance, (String) clear.getVariablesAsMap().get("cancelledBy"),
                (String) clear.getVariablesAsMap().get("cancelReason"));
        camunda.newCompleteCommand(clear.getKey()).send().join();
        studies.closeRequestsOf(instance, RequestOutcome.CANCELLED);
        completeJob(instance, "dicomstage.close-request", java.util.Map.of());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("journey-heading"), "Request cancelled"));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d ->
                !text(By.id("journey-headline")).isEmpty());
        assertThat(text(By.id("journey-headline"))).isEqualTo("The request was cancelled by researcher. The holding"
                + " copy was emptied; nothing was copied to the project archive. Reason given: “Wrong Study0 study: the"
                + " planning CT is from 2025.”");
        // The end may be drawn once more by a poll that was already under way: read it once it is steady.
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> ("/requests.html?request=" + request).equals(
                        d.findElement(By.id("journey-request-link")).getDomAttribute("href")));
        screenshot("end-cancelled");
    }

    private static java.util.Map<String, Object> seriesObject(String study, String suffix, String modality,
                                                               String description, int count, long request) {
        return java.util.Map.of("seriesInstanceUid", study + suffix, "studyInstanceUid", study, "modality", modality,
                "seriesDescription", description, "instanceCount", count, "stagingRequestId", request);
    }

    private io.camunda.client.api.response.ActivatedJob activateJob(long instance, String type) {
        return org.dicomstage.testing.Poll.until(Duration.ofSeconds(20), () -> camunda.newActivateJobsCommand()
                .jobType(type).maxJobsToActivate(10).timeout(Duration.ofSeconds(30)).send().join().getJobs().stream()
                .filter(j -> j.getProcessInstanceKey() == instance).findFirst().orElse(null), () -> "no " + type);
    }

    private void completeJob(long instance, String type, java.util.Map<String, Object> variables) {
        camunda.newCompleteCommand(activateJob(instance, type).getKey()).variables(variables).send().join();
    }

    private UserTask awaitOpenTask(long instance, String elementId) {
        return org.dicomstage.testing.Poll.until(Duration.ofSeconds(20), () -> tasks.open(instance).stream()
                .filter(t -> t.elementId().equals(elementId)).findFirst().orElse(null), () -> "no " + elementId);
    }

    @Test
    void outsiderSeesNothingOfTheStudy() {
        login(DemoStudyData.OUTSIDER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-study")));
        assertThat(browser.findElements(By.id("active-study"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(DemoStudyData.RT_HN_2026).doesNotContain("HN-0");
        screenshot("outsider-lookup");

        browser.get(url("/tasks.html"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tasks-status"), "No open tasks"));
        assertThat(browser.findElements(By.cssSelector("#tasks tbody tr"))).isEmpty();
        screenshot("outsider-tasks");

        // Even asking the API directly, with the session and CSRF token, yields a refusal and nothing else.
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/studies/RT-HN-2026/subjects?q=HN').then(r => r.text().then(t => done(r.status + ' ' + t)));
                """);
        assertThat(String.valueOf(status)).startsWith("403").doesNotContain("HN-0");
        // The console is captured (the CSP check after each test relies on it): the refusal is logged there.
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).map(LogEntry::getMessage)
                .anyMatch(m -> m.contains("403"));

        browser.findElement(By.xpath("//button[.='Sign out']")).click();
        wait.until(ExpectedConditions.urlContains("/login?logout"));
        browser.get(url("/tasks.html"));
        wait.until(ExpectedConditions.urlContains("/login"));
    }

    @Test
    void lookupShowsEachSeriesWithItsOwnProjectStatus() {
        // HN-020: an accepted request copied CT and the structure set; an open one is staging Plan A, holds Plan B
        // for review, and failed on the dose.
        String pid = DemoStudyData.pid(20);
        long accepted = studies.createStagingRequest(new NewStagingRequest(DemoStudyData.RESEARCHER,
                DemoStudyData.RT_HN_2026, pid, TestPatientStudies.RT_STUDY_UID));
        studies.addSeries(accepted, List.of(selection(ProcessDriver.CT, "CT"), selection(ProcessDriver.RTSTRUCT,
                "RTSTRUCT")), List.of());
        studies.markSeries(accepted, ProcessDriver.CT, SeriesStatus.VERIFIED, 120, null, "2.25.1");
        studies.markSeries(accepted, ProcessDriver.RTSTRUCT, SeriesStatus.VERIFIED, 1, null, "2.25.2");
        studies.closeRequest(accepted, RequestOutcome.ACCEPTED);
        long open = studies.createStagingRequest(new NewStagingRequest(DemoStudyData.RESEARCHER,
                DemoStudyData.RT_HN_2026, pid, TestPatientStudies.RT_STUDY_UID));
        studies.addSeries(open, List.of(selection(ProcessDriver.PLAN_APPROVED, "RTPLAN"),
                selection(ProcessDriver.PLAN_UNAPPROVED, "RTPLAN"), selection(ProcessDriver.DOSE, "RTDOSE")), List.of());
        studies.markSeries(open, ProcessDriver.PLAN_APPROVED, SeriesStatus.STAGING, 0, null, null);
        studies.markSeries(open, ProcessDriver.PLAN_UNAPPROVED, SeriesStatus.VERIFIED, 1, null, "2.25.3");
        studies.markSeries(open, ProcessDriver.DOSE, SeriesStatus.FAILED, 0,
                "java.io.IOException: C-GET returned 0 of 1 instances into /tmp/dicomstage-stage-42/x.dcm", null);
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();

        login(DemoStudyData.RESEARCHER);
        waitFor(By.id("subject-search"));
        browser.findElement(By.id("bulk-text")).sendKeys("HN-020");
        browser.findElement(By.id("bulk-search")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#patients tbody tr[data-pid]"), 1));
        browser.findElement(By.cssSelector("#patients tbody tr[data-pid] button.toggle")).click();
        waitFor(By.cssSelector("tr[data-study-uid='" + TestPatientStudies.RT_STUDY_UID + "'] button.toggle"));
        browser.findElement(By.cssSelector("tr[data-study-uid='" + TestPatientStudies.RT_STUDY_UID + "'] button.toggle"))
                .click();
        waitFor(By.cssSelector("table.series-status tbody tr"));
        assertThat(inProject(ProcessDriver.CT)).isEqualTo("Yes, " + today + " (request #" + accepted + ")");
        assertThat(inProject(ProcessDriver.MR)).isEqualTo("No");
        assertThat(inProject(ProcessDriver.RTSTRUCT)).isEqualTo("Yes, " + today + " (request #" + accepted + ")");
        assertThat(inProject(ProcessDriver.PLAN_APPROVED)).isEqualTo("No; being staged (request #" + open + ")");
        assertThat(inProject(ProcessDriver.PLAN_UNAPPROVED)).isEqualTo("No; held for review (request #" + open + ")");
        assertThat(inProject(ProcessDriver.DOSE)).isEqualTo("No; failed: C-GET returned 0 of 1 instances into a file"
                + " on the server (request #" + open + ")");
        screenshot("series-status");

        // The request page says the same in words, without the server path.
        browser.get(url("/requests.html?request=" + open));
        waitFor(By.cssSelector("#request-series tbody tr"));
        assertThat(text(By.cssSelector("#request-series tr[data-series-uid='" + ProcessDriver.DOSE + "'] td.in-project")))
                .isEqualTo("Failed: C-GET returned 0 of 1 instances into a file on the server");
        assertThat(text(By.cssSelector("#request-series tr[data-series-uid='" + ProcessDriver.PLAN_APPROVED
                + "'] td.in-project"))).isEqualTo("Being staged");
        assertThat(text(By.cssSelector("#request-series tr[data-series-uid='" + ProcessDriver.PLAN_UNAPPROVED
                + "'] td.in-project"))).isEqualTo("Held for review");
        assertThat(browser.findElement(By.id("request-series")).getText()).doesNotContain("/tmp/");
        screenshot("request-series-status");
        browser.get(url("/requests.html?request=" + accepted));
        waitFor(By.cssSelector("#request-series tbody tr"));
        assertThat(text(By.cssSelector("#request-series tr[data-series-uid='" + ProcessDriver.CT + "'] td.in-project")))
                .startsWith("In project since ");
    }

    private static SeriesSelection selection(String uid, String modality) {
        return new SeriesSelection(TestPatientStudies.RT_STUDY_UID, uid, modality, modality, 1);
    }

    private String inProject(String seriesUid) {
        return text(By.cssSelector("table.series-status tr[data-series-uid='" + seriesUid + "'] td.in-project"));
    }

    @Test
    void researcherPicksSeriesInTheTableAndRtViewTabsOfOnePicker() {
        ProcessDriver driver = new ProcessDriver(camunda, tasks);
        UserTask pick = driver.atPickSeries();
        login(DemoStudyData.RESEARCHER);
        browser.get(url("/tasks.html?task=" + pick.key()));
        waitFor(By.id("series-table"));
        assertThat(text(By.id("task-heading"))).isEqualTo("Pick series");
        // One pick view: two tabs, and none of the form's checklists beside them.
        assertThat(browser.findElements(By.cssSelector("[role=tab]"))).extracting(WebElement::getText)
                .containsExactly("Table View", "RT View");
        assertThat(browser.findElements(By.cssSelector("#form-container .fjs-form-field-checklist"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#form-container .fjs-form-field-table"))).isEmpty();

        // Table view: the study subject ID, an In project column per series; filter by modality, sort, pick.
        assertThat(browser.findElements(By.cssSelector("#series-table tbody tr"))).hasSize(6);
        assertThat(browser.findElements(By.cssSelector("#series-table thead th"))).extracting(WebElement::getText)
                .contains("Subject", "In project");
        assertThat(browser.findElement(By.id("series-table")).getText()).contains("HN-001").doesNotContain("PID-0001");
        assertThat(inProjectCell("Planning CT")).isEqualTo(ProcessDriver.CT_IN_PROJECT);
        assertThat(inProjectCell("T1 MPRAGE")).isEqualTo("No");
        new Select(browser.findElement(By.id("modality-filter"))).selectByValue("RTPLAN");
        assertThat(browser.findElements(By.cssSelector("#series-table tbody tr"))).hasSize(2);
        new Select(browser.findElement(By.id("modality-filter"))).selectByValue("");
        browser.findElement(By.xpath("//th/button[starts-with(., 'Images')]")).click();
        browser.findElement(By.xpath("//th/button[starts-with(., 'Images')]")).click();
        assertThat(text(By.cssSelector("#series-table tbody tr:first-child td:nth-child(8)"))).isEqualTo("176");
        browser.findElement(By.cssSelector("#series-table tbody tr:first-child input[type=checkbox]")).click();
        assertThat(browser.findElements(By.id("re-stage-dialog"))).as("MR is not in the project: no question").isEmpty();
        screenshot("table-view");

        // Picking the CT, which is in the project already, asks first and says what staging it again does.
        WebElement ct = browser.findElement(By.cssSelector("input[aria-label='Pick CT Planning CT']"));
        ct.click();
        waitFor(By.id("re-stage-dialog"));
        assertThat(text(By.id("re-stage-dialog"))).contains("Already in the project")
                .contains("CT 'Planning CT': " + ProcessDriver.CT_IN_PROJECT)
                .contains("same pseudonymized UIDs").contains("no duplicates");
        screenshot("re-stage-confirmation");
        browser.findElement(By.id("re-stage-no")).click();
        assertThat(ct.isSelected()).as("kept as is").isFalse();
        ct.click();
        waitFor(By.id("re-stage-dialog"));
        browser.findElement(By.id("re-stage-yes")).click();
        assertThat(ct.isSelected()).as("staged again").isTrue();

        // RT view: a tree of RT objects with badges; checking the structure set checks everything below it.
        browser.findElement(By.id("tab-rt")).click();
        waitFor(By.cssSelector(".tree [role=treeitem]"));
        assertThat(browser.findElement(By.id("panel-rt")).getText()).doesNotContain("T1 MPRAGE");
        WebElement structureSet = browser.findElement(By.id("rt-1"));
        structureSet.click();
        assertThat(browser.findElement(By.id("rt-2")).isSelected()).isTrue();
        assertThat(browser.findElement(By.id("rt-3")).isSelected()).isTrue();
        assertThat(browser.findElement(By.id("rt-4")).isSelected()).isTrue();
        assertThat(text(By.id("plan-warning"))).contains("Plan B (UNAPPROVED)");
        WebElement planB = browser.findElement(By.xpath("//li[input[@id='rt-4']]"));
        assertThat(planB.findElements(By.cssSelector(":scope > .badge"))).extracting(WebElement::getText)
                .containsExactly("Label " + ProcessDriver.HOSTILE_PLAN_LABEL, "Name Plan B", "UNAPPROVED", "No");
        assertThat(planB.findElements(By.tagName("a"))).as("a plan label is text, never a link").isEmpty();
        assertThat(browser.findElement(By.id("rt-5")).isEnabled()).as("dangling reference").isFalse();
        assertThat(browser.findElement(By.cssSelector("li.dangling")).getText()).contains("not in Study0");
        browser.findElement(By.cssSelector("button[aria-label='Collapse Contours']")).click();
        assertThat(browser.findElements(By.id("rt-2"))).isEmpty();
        screenshot("rt-view");

        // Back on the table tab, the RT picks stay RT picks: nothing moved into the table view's list.
        browser.findElement(By.id("tab-table")).click();
        assertThat(browser.findElements(By.cssSelector("#series-table tbody input[type=checkbox]:checked"))).hasSize(2);
        completeTask();
        assertThat(tasks.get(pick.key())).isEmpty();

        // Confirm selection: a plan label inside a warning is shown as text, not as a link.
        UserTask confirm = driver.atConfirmSelection(pick.processInstanceKey(),
                "RTPLAN '" + ProcessDriver.HOSTILE_PLAN_LABEL + "' is UNAPPROVED");
        browser.get(url("/tasks.html?task=" + confirm.key()));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("form-container"), "Warning:"));
        assertThat(text(By.id("form-container"))).contains("RTPLAN '" + ProcessDriver.HOSTILE_PLAN_LABEL
                + "' is UNAPPROVED");
        assertThat(browser.findElements(By.cssSelector("#form-container .fjs-form-field-text a, #form-container a[href*='evil']")))
                .isEmpty();
        screenshot("confirm-escaped-label");
    }

    @Test
    void confirmNamesTheReferenceAnUntickedSeriesDropsAndStagesOnlyWithCopyAnyway() {
        ProcessDriver driver = new ProcessDriver(camunda, tasks);
        UserTask pick = driver.atPickSeries();
        tasks.complete(pick.key(), java.util.Map.of("pickedRtSeriesUids", List.of(ProcessDriver.DOSE,
                ProcessDriver.PLAN_UNAPPROVED)));
        UserTask confirm = driver.atConfirmSelectionWithReferences(pick.processInstanceKey());
        login(DemoStudyData.RESEARCHER);
        browser.get(url("/tasks.html?task=" + confirm.key()));
        By liveWarnings = By.xpath("//*[contains(@class,'fjs-form-field-text')][contains(., 'Warnings for what is"
                + " ticked now')]");
        waitFor(liveWarnings);

        // All ticked: only the unapproved plan is flagged, by its label, which stays text.
        assertThat(text(liveWarnings)).contains("RTPLAN '" + ProcessDriver.HOSTILE_PLAN_LABEL + "' is UNAPPROVED")
                .doesNotContain("will not be copied");
        assertThat(browser.findElements(By.cssSelector("#form-container a[href*='evil']"))).isEmpty();
        assertThat(text(By.id("form-container"))).contains("referenced by RTDOSE 'Dose A'")
                .doesNotContain(ProcessDriver.STUDY_UID);
        assertThat(browser.findElements(By.xpath("//label[contains(., 'Copy anyway')]"))).isEmpty();
        screenshot("confirm-all-ticked");

        // Unticking Plan A, which the ticked dose references: the warning names both, at once, and the copy-anyway
        // choice appears.
        browser.findElement(By.xpath("//*[contains(@class,'fjs-form-field-checklist')]//label[contains(., 'RTPLAN"
                + " Plan A')]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(liveWarnings,
                "RTDOSE 'Dose A' references plan 'PLAN_A', which will not be copied"));
        waitFor(By.xpath("//label[contains(., 'Copy anyway')]"));
        assertThat(text(liveWarnings)).doesNotContain(ProcessDriver.STUDY_UID);
        assertNothingCutOff(liveWarnings);
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})",
                browser.findElement(liveWarnings));
        screenshot("confirm-named-warning");

        // Submitted without consent: back to Confirm before anything is staged, saying so.
        completeTask();
        UserTask again = driver.task(pick.processInstanceKey(), "ConfirmSelection");
        assertThat(again.key()).isNotEqualTo(confirm.key());
        browser.get(url("/tasks.html?task=" + again.key()));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("form-container"),
                "Staging has not started"));
        assertThat(text(liveWarnings)).contains("RTDOSE 'Dose A' references plan 'PLAN_A', which will not be copied");
        screenshot("confirm-back-with-dropped-reference");
        assertThat(((JavascriptExecutor) browser).executeScript("return arguments[0].control.checked",
                browser.findElement(By.xpath("//*[contains(@class,'fjs-form-field-checklist')]//label[contains(.,"
                        + " 'RTPLAN Plan A')]")))).as("the researcher's own ticks kept").isEqualTo(false);

        browser.findElement(By.xpath("//label[contains(., 'Copy anyway')]")).click();
        completeTask();
        assertThat(tasks.open(pick.processInstanceKey())).as("on to staging").isEmpty();
    }

    /** The element's right edge is inside the 1280 px window, and it shows all its text without scrolling. */
    private void assertNothingCutOff(By by) {
        WebElement e = browser.findElement(by);
        Object fits = ((JavascriptExecutor) browser).executeScript("const r = arguments[0].getBoundingClientRect();"
                + " return r.right <= window.innerWidth && arguments[0].scrollWidth <= arguments[0].clientWidth + 1;", e);
        assertThat(fits).as("fits in the window").isEqualTo(true);
    }

    private String inProjectCell(String series) {
        return text(By.xpath("//table[@id='series-table']//tr[td[.='" + series + "']]/td[9]"));
    }

    @Test
    void researcherWalksTheRtTreeWithTheKeyboard() {
        UserTask pick = new ProcessDriver(camunda, tasks).atPickSeries();
        login(DemoStudyData.RESEARCHER);
        browser.get(url("/tasks.html?task=" + pick.key()));
        waitFor(By.id("tab-rt"));
        browser.findElement(By.id("tab-rt")).click();
        waitFor(By.cssSelector(".tree [role=treeitem]"));

        // One Tab stop: Tab from the RT tab lands on the first item, not on a toggle or checkbox inside it.
        press(Keys.TAB);
        assertThat(focusedItem()).isEqualTo("CT Planning CT");
        assertThat(browser.findElements(By.cssSelector("[role=tree] [tabindex='0']"))).hasSize(1);
        assertThat(browser.switchTo().activeElement().getDomAttribute("aria-level")).isEqualTo("1");

        // Down/Up walk the shown items; Right enters a parent, Left goes back to it; Home/End reach both ends.
        press(Keys.ARROW_DOWN);
        assertThat(focusedItem()).isEqualTo("RTSTRUCT Contours");
        press(Keys.ARROW_RIGHT);
        assertThat(focusedItem()).isEqualTo("RTPLAN Plan A");
        press(Keys.ARROW_DOWN);
        assertThat(focusedItem()).isEqualTo("RTDOSE Dose A");
        press(Keys.ARROW_DOWN);
        assertThat(focusedItem()).isEqualTo("RTPLAN Plan B");
        press(Keys.ARROW_LEFT);
        assertThat(focusedItem()).isEqualTo("RTSTRUCT Contours");
        press(Keys.END);
        assertThat(focusedItem()).isEqualTo("RTSTRUCT Missing structure set (referenced, not in Study0)");
        press(Keys.HOME);
        assertThat(focusedItem()).isEqualTo("CT Planning CT");
        press(Keys.ARROW_DOWN, Keys.ARROW_UP);
        assertThat(focusedItem()).isEqualTo("CT Planning CT");

        // Left closes an open parent, Right opens it again; focus stays on it.
        press(Keys.ARROW_DOWN, Keys.ARROW_LEFT);
        assertThat(focusedItem()).isEqualTo("RTSTRUCT Contours");
        assertThat(browser.switchTo().activeElement().getDomAttribute("aria-expanded")).isEqualTo("false");
        assertThat(browser.findElements(By.id("rt-2"))).isEmpty();
        press(Keys.ARROW_DOWN);
        assertThat(focusedItem()).as("the collapsed plans are skipped").startsWith("RTSTRUCT Missing");
        press(Keys.ARROW_UP, Keys.ARROW_RIGHT);
        assertThat(focusedItem()).isEqualTo("RTSTRUCT Contours");
        assertThat(browser.switchTo().activeElement().getDomAttribute("aria-expanded")).isEqualTo("true");

        // Space on the structure set picks it with its plans and dose, as a click on its checkbox does.
        assertThat(browser.findElement(By.id("rt-1")).isSelected()).isFalse();
        press(Keys.SPACE);
        assertThat(focusedItem()).isEqualTo("RTSTRUCT Contours");
        for (String id : List.of("rt-1", "rt-2", "rt-3", "rt-4")) {
            assertThat(browser.findElement(By.id(id)).isSelected()).as(id).isTrue();
            assertThat(browser.findElement(By.xpath("//li[input[@id='" + id + "']]")).getDomAttribute("aria-checked"))
                    .as(id).isEqualTo("true");
        }
        assertThat(browser.findElement(By.id("rt-0")).isSelected()).isFalse();
        assertThat(browser.findElement(By.xpath("//li[input[@id='rt-0']]")).getDomAttribute("aria-checked"))
                .isEqualTo("mixed");
        assertThat(text(By.id("plan-warning"))).contains("Plan B (UNAPPROVED)");
        screenshot("rt-tree-keyboard");

        // Tab leaves the tree for the task's button; Shift+Tab comes back to the item last focused.
        press(Keys.TAB);
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("complete-task");
        new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        assertThat(focusedItem()).isEqualTo("RTSTRUCT Contours");
        press(Keys.SPACE);
        assertThat(browser.findElement(By.id("rt-3")).isSelected()).as("Space again unpicks the subtree").isFalse();
    }

    @Test
    void underFourEyesTheRequesterSeesWhyAndIsRefusedAndTheCoordinatorAccepts() {
        try {
            // The coordinator turns four eyes on in the study's settings.
            login(DemoStudyData.COORDINATOR);
            browser.findElement(By.linkText("Study settings")).click();
            waitFor(By.id("review-form"));
            assertThat(browser.findElement(By.id("four-eyes")).isSelected()).isFalse();
            assertThat(text(By.id("reviewers"))).contains(DemoStudyData.COORDINATOR, DemoStudyData.RESEARCHER);
            browser.findElement(By.id("four-eyes")).click();
            browser.findElement(By.id("save-review")).click();
            wait.until(d -> text(By.id("review-status")).contains("four eyes on"));
            screenshot("coordinator-turns-four-eyes-on");
            assertThat(reviewSettings.fourEyes(DemoStudyData.RT_HN_2026)).isTrue();
            browser.navigate().refresh();
            waitFor(By.id("review-form"));
            assertThat(browser.findElement(By.id("four-eyes")).isSelected()).isTrue();
            browser.manage().deleteAllCookies();

            ProcessDriver driver = new ProcessDriver(camunda, tasks);
            UserTask review = driver.atReview(driver.atPickSeries(),
                    reviewSettings.candidates(DemoStudyData.RT_HN_2026, DemoStudyData.RESEARCHER), true);
            String fourEyes = "Four eyes: you requested this copy, so another member with the review right in "
                    + DemoStudyData.RT_HN_2026 + " must review it.";

            // The requester: the review is offered to others, says why, and refuses their Accept in those words.
            login(DemoStudyData.RESEARCHER);
            assertThat(browser.findElements(By.linkText("Study settings"))).as("a researcher changes no settings")
                    .isEmpty();
            browser.get(url("/tasks.html"));
            By row = By.cssSelector("#tasks tr[data-task='" + review.key() + "']");
            waitFor(row);
            assertThat(text(row)).contains("unassigned, offered to admin, coordinator", fourEyes)
                    .doesNotContain("Claim");
            browser.get(url("/tasks.html?task=" + review.key()));
            waitFor(By.cssSelector("#form-container .fjs-form"));
            assertThat(text(By.id("task-note"))).isEqualTo(fourEyes);
            assertThat(text(By.id("form-container"))).contains("Requested by researcher. This study reviews with"
                    + " four eyes");
            screenshot("requester-sees-four-eyes");
            browser.findElement(By.xpath("//div[@id='form-container']//label[contains(., 'Accept the project copy')]"))
                    .click();
            browser.findElement(By.id("complete-task")).click();
            wait.until(d -> !text(By.id("task-result")).isEmpty());
            assertThat(text(By.id("task-result"))).contains(fourEyes);
            screenshot("requester-refused");
            assertThat(tasks.get(review.key())).isPresent();

            // Another reviewer: no note, accepts.
            browser.manage().deleteAllCookies();
            login(DemoStudyData.COORDINATOR);
            browser.get(url("/tasks.html?task=" + review.key()));
            waitFor(By.cssSelector("#form-container .fjs-form"));
            assertThat(browser.findElement(By.id("task-note")).isDisplayed()).isFalse();
            browser.findElement(By.xpath("//div[@id='form-container']//label[contains(., 'Accept the project copy')]"))
                    .click();
            screenshot("coordinator-accepts");
            completeTask();
            assertThat(tasks.get(review.key())).isEmpty();
            assertThat(studies.auditFor(DemoStudyData.COORDINATOR, 0, 5).events())
                    .extracting(org.dicomstage.study.AuditEventView::action)
                    .contains(org.dicomstage.study.AuditActions.REVIEW_ACCEPTED);
            screenshot("coordinator-accepted");
        } finally {
            reviewSettings.setFourEyes(DemoStudyData.COORDINATOR, DemoStudyData.RT_HN_2026, false);
        }
    }

    @Test
    void coordinatorSeesTheProcessDiagramAndAdminOpensTheModeler() {
        UserTask pick = new ProcessDriver(camunda, tasks).atPickSeries();
        login(DemoStudyData.COORDINATOR);
        browser.get(url("/processes.html"));
        waitFor(By.cssSelector("#processes a[href='/process.html?key=" + pick.processInstanceKey() + "']"));
        // A running instance says how long it has run; an ended one how long it took (not its age since the end).
        assertThat(text(By.xpath("//table[@id='processes']//tr[td/a[@href='/process.html?key="
                + pick.processInstanceKey() + "']]/td[contains(@class,'duration')]"))).startsWith("running for ");
        screenshot("process-list");
        browser.findElement(By.cssSelector("#processes a[href='/process.html?key=" + pick.processInstanceKey() + "']"))
                .click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#canvas .highlight-active")));
        assertThat(browser.findElements(By.cssSelector("#canvas .highlight-completed"))).isNotEmpty();
        assertThat(text(By.id("variables"))).contains("requestedBy");
        assertThat(text(By.id("variable-tables"))).contains("RT objects (rtTree");
        screenshot("process-diagram");
        browser.get(url("/modeler.html"));
        assertThat(browser.getPageSource()).doesNotContain("bpmn-modeler.js");

        browser.manage().deleteAllCookies();
        login(DemoStudyData.ADMIN);
        browser.get(url("/modeler.html"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#canvas .djs-element")));
        browser.findElement(By.id("validate")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Validation:"));
        screenshot("modeler");
    }

    /**
     * Issue 14: the list is filtered on the server; "Incidents only" leaves the instance with an incident and drops
     * a quiet one, and an ended instance shows its end and how long it took.
     */
    @Test
    void coordinatorTicksIncidentsOnlyAndSeesOnlyTheInstanceWithAnIncident() {
        java.util.Map<String, Object> start = java.util.Map.of("requestedBy", DemoStudyData.RESEARCHER,
                "studyId", DemoStudyData.RT_HN_2026);
        long quiet = camunda.newCreateInstanceCommand().bpmnProcessId("create-project-specific-dicom")
                .latestVersion().variables(start).send().join().getProcessInstanceKey();
        long ended = camunda.newCreateInstanceCommand().bpmnProcessId("create-project-specific-dicom")
                .latestVersion().variables(start).send().join().getProcessInstanceKey();
        camunda.newCancelInstanceCommand(ended).send().join();
        long failing = camunda.newCreateInstanceCommand().bpmnProcessId("create-project-specific-dicom")
                .latestVersion().variables(start).send().join().getProcessInstanceKey();
        tasks.complete(awaitOpenTask(failing, "ActivateStudy").key(),
                java.util.Map.of("studyId", DemoStudyData.RT_HN_2026));
        // Locked only briefly: other tests' instances wait for their check-access jobs too.
        io.camunda.client.api.response.ActivatedJob job = org.dicomstage.testing.Poll.until(Duration.ofSeconds(20),
                () -> camunda.newActivateJobsCommand().jobType("dicomstage.check-access").maxJobsToActivate(100)
                        .timeout(Duration.ofSeconds(1)).send().join().getJobs().stream()
                        .filter(j -> j.getProcessInstanceKey() == failing).findFirst().orElse(null),
                () -> "no check-access job");
        camunda.newFailCommand(job.getKey()).retries(0).errorMessage("archive unreachable").send().join();

        login(DemoStudyData.COORDINATOR);
        browser.get(url("/processes.html"));
        By quietRow = processRow(quiet);
        By failingRow = processRow(failing);
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.and(
                ExpectedConditions.presenceOfElementLocated(quietRow),
                ExpectedConditions.textToBePresentInElementLocated(
                        By.xpath(processRowXpath(failing) + "/td[contains(@class,'incidents')]"), "1")));
        assertThat(browser.findElements(By.cssSelector("#processes thead th[scope=col]")))
                .extracting(WebElement::getText).contains("Started", "Ended", "Duration");
        assertThat(text(By.xpath(processRowXpath(ended) + "/td[contains(@class,'ended')]"))).isNotEqualTo("—");
        assertThat(text(By.xpath(processRowXpath(ended) + "/td[contains(@class,'duration')]"))).startsWith("took ");
        assertThat(text(By.xpath(processRowXpath(quiet) + "/td[contains(@class,'ended')]"))).isEqualTo("—");
        assertThat(text(By.id("processes-status"))).matches("Showing 1–\\d+ of \\d+");
        screenshot("process-list-all");

        browser.findElement(By.cssSelector("label[for=filter-incidents]")).click();
        assertThat(browser.findElement(By.id("filter-incidents")).isSelected()).isTrue();
        browser.findElement(By.cssSelector("#filters button[type=submit]")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(quietRow));
        waitFor(failingRow);
        assertThat(browser.findElements(processRow(ended))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#processes tbody td.incidents")))
                .extracting(WebElement::getText).isNotEmpty().doesNotContain("0");
        assertThat(browser.getCurrentUrl()).contains("incidents=true");
        screenshot("process-list-incidents-only");
    }

    private static String processRowXpath(long instance) {
        return "//table[@id='processes']//tr[td/a[@href='/process.html?key=" + instance + "']]";
    }

    private static By processRow(long instance) {
        return By.xpath(processRowXpath(instance));
    }

    /** Issue 14: an incident is named by its step, with since when, and a retry says what it did. */
    @Test
    void coordinatorSeesAnIncidentByItsStepNameAndRetriesIt() {
        long instance = camunda.newCreateInstanceCommand().bpmnProcessId("create-project-specific-dicom")
                .latestVersion().variables(java.util.Map.of("requestedBy", DemoStudyData.RESEARCHER,
                        "studyId", DemoStudyData.RT_HN_2026)).send().join().getProcessInstanceKey();
        tasks.complete(awaitOpenTask(instance, "ActivateStudy").key(),
                java.util.Map.of("studyId", DemoStudyData.RT_HN_2026));
        camunda.newFailCommand(checkAccessJob(instance).getKey()).retries(0).errorMessage("archive unreachable")
                .send().join();

        login(DemoStudyData.COORDINATOR);
        browser.get(url("/process.html?key=" + instance));
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("incidents"), "The archive did not answer."));
        WebElement incident = browser.findElement(By.cssSelector("#incidents li.incident"));
        assertThat(incident.getText()).startsWith("Check study access (CheckStudyAccess) since ")
                .contains("retries left: 0").doesNotContain("archive unreachable");
        // The technical message is behind a disclosure.
        incident.findElement(By.tagName("summary")).click();
        assertThat(text(By.cssSelector("#incidents .incident-message"))).isEqualTo("JOB_NO_RETRIES: archive unreachable");
        // The history by step names, in start order, with times.
        assertThat(browser.findElements(By.cssSelector("#history tbody tr td:first-child strong")))
                .extracting(WebElement::getText).containsExactly("Project copy requested",
                        "Study and patient chosen on the lookup?", "Activate study", "Check study access");
        assertThat(text(By.xpath("//table[@id='history']//tr[td/strong[.='Activate study']]")))
                .contains("User task", "COMPLETED");
        assertThat(text(By.xpath("//table[@id='history']//tr[td/strong[.='Check study access']]")))
                .contains("Service task", "INCIDENT", "so far");
        screenshot("incident");

        // A retry without a fix: the job runs and fails again, and the page says so.
        browser.findElement(By.xpath("//li[contains(@class,'incident')]//button[.='Retry']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("incident-status"),
                "Retry sent for \"Check study access\""));
        camunda.newFailCommand(checkAccessJob(instance).getKey()).retries(0)
                .errorMessage("archive still unreachable").send().join();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("incident-status"),
                "the step ran and failed again — The archive did not answer. (archive still unreachable)"));
        screenshot("retried-failed-again");

        // Fixed: the job succeeds and the step moves on.
        browser.findElement(By.xpath("//li[contains(@class,'incident')]//button[.='Retry']")).click();
        camunda.newCompleteCommand(checkAccessJob(instance).getKey()).variables(java.util.Map.of("studyName",
                "Adaptive RT", "enrolledSubjects", List.of(), "cancelKey", Long.toString(instance))).send().join();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("incident-status"),
                "the step ran and succeeded; the process is now at \"Select patient\"."));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("incidents"), "No open incidents."));
        screenshot("retried-succeeded");

        // No request yet: the engine cancels the instance; a reason is required.
        browser.findElement(By.id("cancel-instance")).click();
        wait.until(ExpectedConditions.textToBe(By.id("cancel-status"), "Give a reason for cancelling."));
        browser.findElement(By.id("cancel-reason")).sendKeys("Started for the wrong study.");
        browser.findElement(By.id("cancel-instance")).click();
        wait.until(ExpectedConditions.textToBe(By.id("cancel-status"), "Cancelled: the instance is TERMINATED."));
        assertThat(text(By.id("summary"))).startsWith("TERMINATED · study RT-HN-2026");
        assertThat(text(By.id("requests"))).isEqualTo("No staging request yet.");
        assertThat(browser.findElement(By.id("cancel-panel")).isDisplayed()).isFalse();
        assertThat(text(By.xpath("//table[@id='history']//tr[td/strong[.='Select patient']]"))).contains("TERMINATED");
        assertThat(studies.auditFor(DemoStudyData.COORDINATOR, 0, 5).events()).anySatisfy(e -> assertThat(e.detail())
                .isEqualTo("process instance " + instance + ": Started for the wrong study."));
        screenshot("cancelled");
    }

    /**
     * An instance staging its series: counts on the multi-instance step, the series and results as tables; the
     * cancel takes the process's own path, and the page follows it to the request closed as CANCELLED.
     */
    @Test
    void coordinatorSeesStagingCountsAndCancelsAnInstanceWithARequest() {
        String study0Study = "1.2.826.0.1.3680043.10.9.16";
        StagingJourney journey = threeSeriesConfirmed(study0Study, "HN-016", 16);
        long request = journey.request();
        long instance = journey.instance();
        // Of the three series: one staged, two failed for good.
        List<io.camunda.client.api.response.ActivatedJob> staging = org.dicomstage.testing.Poll.until(
                Duration.ofSeconds(20), () -> {
                    List<io.camunda.client.api.response.ActivatedJob> jobs = camunda.newActivateJobsCommand()
                            .jobType("dicomstage.stage-series").maxJobsToActivate(10).timeout(Duration.ofMinutes(5))
                            .send().join().getJobs().stream().filter(j -> j.getProcessInstanceKey() == instance)
                            .toList();
                    return jobs.size() == 3 ? jobs : null;
                }, () -> "no three stage-series jobs");
        camunda.newCompleteCommand(staging.get(0).getKey()).variables(java.util.Map.of("stagingResult",
                java.util.Map.of("seriesInstanceUid", study0Study + ".1", "status", "STAGED", "instancesStaged", 120,
                        "message", ""))).send().join();
        camunda.newFailCommand(staging.get(1).getKey()).retries(0).errorMessage("staging series RTSTRUCT 'Contours'"
                + " failed: cannot connect to node 'holding': Connection refused (no retries left)").send().join();
        camunda.newFailCommand(staging.get(2).getKey()).retries(0).errorMessage("staging series RTPLAN 'Plan A'"
                + " failed: cannot connect to node 'holding': Connection refused (no retries left)").send().join();

        login(DemoStudyData.COORDINATOR);
        browser.get(url("/process.html?key=" + instance));
        By counts = By.cssSelector("#canvas .mi-counts[data-element='StageSeries']");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.textToBe(counts, "✓ 1 ⚠ 2"));
        assertThat(browser.findElement(counts).getDomAttribute("title"))
                .isEqualTo("Stage series: 1 completed, 2 with an incident");
        assertThat(browser.findElements(By.cssSelector("#history tbody tr td:first-child strong")))
                .extracting(WebElement::getText).filteredOn("Stage series"::equals).hasSize(4);
        // The series as a table with headings, not JSON.
        By seriesTable = By.cssSelector("#variable-tables table[data-variable='seriesToStage']");
        assertThat(browser.findElements(By.cssSelector("#variable-tables table[data-variable='seriesToStage'] th")))
                .extracting(WebElement::getText).startsWith("Series", "Modality", "Images");
        assertThat(text(seriesTable)).contains("Planning CT", "Contours", "Plan A").doesNotContain("{");
        assertThat(text(By.id("requests"))).isEqualTo("Staging request: #" + request + " OPEN");
        // Each failed series' incident names the series, in words; the UIDs stay in the technical message.
        assertThat(browser.findElements(By.cssSelector("#incidents .incident-summary"))).extracting(WebElement::getText)
                .containsExactlyInAnyOrder("Series RTSTRUCT 'Contours': The archive did not answer.",
                        "Series RTPLAN 'Plan A': The archive did not answer.");
        screenshot("staging-counts");

        // Retrying one series' incident is about that series: the other's open incident is not "failed again".
        browser.findElement(By.xpath("(//li[contains(@class,'incident')]//button[.='Retry'])[1]")).click();
        io.camunda.client.api.response.ActivatedJob retried = activateJob(instance, "dicomstage.stage-series");
        camunda.newCompleteCommand(retried.getKey()).variables(java.util.Map.of("stagingResult", java.util.Map.of(
                "seriesInstanceUid", ((java.util.Map<?, ?>) retried.getVariablesAsMap().get("series"))
                        .get("seriesInstanceUid"), "status", "STAGED", "instancesStaged", 1, "message", "")))
                .send().join();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("incident-status"),
                "the step ran and succeeded; the process is now at \"Stage series\"."));
        wait.until(ExpectedConditions.textToBe(counts, "✓ 2 ⚠ 1"));
        assertThat(browser.findElements(By.cssSelector("#incidents li.incident"))).hasSize(1);
        screenshot("one-series-retried");
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView(true)",
                browser.findElement(By.id("variables-heading")));
        screenshot("variables");

        browser.findElement(By.id("cancel-reason")).sendKeys("The planning CT is from the wrong course.");
        browser.findElement(By.id("cancel-instance")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cancel-status"),
                "Cancelling request #" + request));
        // The cancel path's workers: record the cancel, empty the holding copy, close the request.
        io.camunda.client.api.response.ActivatedJob clear = activateJob(instance, "dicomstage.clear-holding");
        assertThat(clear.getVariablesAsMap()).containsEntry("cancelledBy", DemoStudyData.COORDINATOR);
        studies.cancelRequestsOf(instance, (String) clear.getVariablesAsMap().get("cancelledBy"),
                (String) clear.getVariablesAsMap().get("cancelReason"));
        camunda.newCompleteCommand(clear.getKey()).send().join();
        studies.closeRequestsOf(instance, RequestOutcome.CANCELLED);
        completeJob(instance, "dicomstage.close-request", java.util.Map.of());
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(ExpectedConditions.textToBe(By.id("cancel-status"),
                "Cancelled: the process took its cancel path and ended at \"Request cancelled\"; request #" + request
                        + " CANCELLED."));
        assertThat(text(By.id("summary"))).startsWith("COMPLETED at \"Request cancelled\"");
        assertThat(text(By.id("requests"))).isEqualTo("Staging request: #" + request + " CANCELLED");
        screenshot("cancelled-with-request");
    }

    private io.camunda.client.api.response.ActivatedJob checkAccessJob(long instance) {
        // Locked only briefly: other tests' instances wait for their check-access jobs too.
        return org.dicomstage.testing.Poll.until(Duration.ofSeconds(20), () -> camunda.newActivateJobsCommand()
                .jobType("dicomstage.check-access").maxJobsToActivate(100).timeout(Duration.ofSeconds(5)).send()
                .join().getJobs().stream().filter(j -> j.getProcessInstanceKey() == instance).findFirst()
                .orElse(null), () -> "no check-access job");
    }

    /** Issue 12: a refused page says why in the app's own style, not Spring's white-label page. */
    @Test
    void aRefusedPageSaysWhyInTheAppsStyle() {
        login(DemoStudyData.RESEARCHER);
        browser.get(url("/modeler.html"));
        waitFor(By.id("error-reason"));
        assertThat(text(By.tagName("h1"))).isEqualTo("Access denied");
        assertThat(text(By.id("error-reason"))).isEqualTo("This is for administrators, and researcher is not one.");
        assertThat(browser.getPageSource()).doesNotContain("Whitelabel");
        // Styled by app.css: the header bar of every page.
        assertThat(browser.findElement(By.cssSelector("header.app")).getCssValue("background-color"))
                .isEqualTo("rgba(18, 53, 91, 1)");
        screenshot("access-denied");
        browser.findElement(By.linkText("Back to DICOM Lookup")).click();
        waitFor(By.id("subject-search"));
    }

    private void login(String user) {
        browser.get(url("/"));
        wait.until(ExpectedConditions.urlContains("/login"));
        screenshot("login");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(user, Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("current-user")));
    }

    /** Completes the open task; a refusal (form validation or server) fails with its message. */
    private void completeTask() {
        String task = text(By.id("task-meta"));
        browser.findElement(By.id("complete-task")).click();
        // Done when the page says so, or when it has already opened the process's next task (which clears the
        // message): a loop back to the same form is another task.
        wait.until(d -> !text(By.id("flash")).isEmpty() || !text(By.id("task-result")).isEmpty()
                || !text(By.id("task-meta")).isEmpty() && !task.equals(text(By.id("task-meta"))));
        assertThat(text(By.id("task-result"))).as(() -> "last audit: "
                + studies.auditFor(text(By.id("current-user")).replaceAll(".*\\((.*)\\)", "$1"), 0, 1)).isEmpty();
        if (task.equals(text(By.id("task-meta")))) {
            assertThat(text(By.id("flash"))).contains("Task completed");
        }
    }

    /** Types into whatever has the focus, as a keyboard user does. */
    private void press(CharSequence... keys) {
        new Actions(browser).sendKeys(keys).perform();
    }

    /** The label of the focused RT tree item; fails when the focus is not on a tree item. */
    private String focusedItem() {
        WebElement focused = browser.switchTo().activeElement();
        assertThat(focused.getDomAttribute("role")).as(() -> "role of the focused " + focused.getTagName() + " "
                + focused.getDomAttribute("id") + " " + focused.getText()).isEqualTo("treeitem");
        assertThat(focused.getDomAttribute("tabindex")).as("the focused item is the Tab stop").isEqualTo("0");
        return focused.findElement(By.cssSelector(":scope > label")).getText().trim();
    }

    private void waitFor(By by) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(by));
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

    private record StagingJourney(long request, long instance) {
    }

    /**
     * A request of the researcher for one Study0 study, its process driven to staging with three series confirmed
     * (CT ".1", RTSTRUCT ".2", RTPLAN ".3"): the workers' jobs before staging completed here by hand.
     */
    private StagingJourney threeSeriesConfirmed(String study0Study, String subject, int pid) {
        long request = studies.createStagingRequest(new NewStagingRequest(DemoStudyData.RESEARCHER,
                DemoStudyData.RT_HN_2026, DemoStudyData.pid(pid), study0Study));
        long instance = camunda.newCreateInstanceCommand().bpmnProcessId("create-project-specific-dicom")
                .latestVersion().variables(java.util.Map.of("requestedBy", DemoStudyData.RESEARCHER,
                        "studyId", DemoStudyData.RT_HN_2026, "selectedSubjectIds", List.of(subject),
                        "study0StudyInstanceUid", study0Study, "stagingRequestId", request))
                .send().join().getProcessInstanceKey();
        assertThat(studies.bindProcess(request, instance)).isTrue();
        completeJob(instance, "dicomstage.check-access", java.util.Map.of("studyName", "Adaptive RT",
                "enrolledSubjects", List.of(), "cancelKey", Long.toString(instance)));
        List<java.util.Map<String, Object>> series = List.of(
                seriesObject(study0Study, ".1", "CT", "Planning CT", 120, request),
                seriesObject(study0Study, ".2", "RTSTRUCT", "Contours", 1, request),
                seriesObject(study0Study, ".3", "RTPLAN", "Plan A", 1, request));
        completeJob(instance, "dicomstage.query-study0", java.util.Map.of("seriesTable", series,
                "availableSeries", series, "seriesOptions", List.of(), "rtTree", List.of()));
        tasks.complete(awaitOpenTask(instance, "PickSeries").key(),
                java.util.Map.of("pickedSeriesUids", List.of(study0Study + ".3")));
        completeJob(instance, "dicomstage.expand-selection", java.util.Map.of("expandedSelection", series,
                "selectionOptions", List.of(), "confirmedSeriesUids", series.stream()
                        .map(s -> s.get("seriesInstanceUid")).toList(), "selectionWarnings", ""));
        tasks.complete(awaitOpenTask(instance, "ConfirmSelection").key(), java.util.Map.of("confirmedSeriesUids",
                series.stream().map(s -> s.get("seriesInstanceUid")).toList()));
        return new StagingJourney(request, instance);
    }

}
