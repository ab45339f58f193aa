package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.dicomstage.LocalArchives;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.PollingWorkers;
import org.dicomstage.workflow.ZptEngineInitializer;
import org.dicomstage.workflow.ZptHarnessConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole journey in headless Chromium on what the local run starts: the real job workers, the real Study0 listing
 * and two embedded archives (Study0 seeded with the local run's demo data, the project archive empty). Its own
 * context, unlike {@link WebUiBrowserIT}, whose tests drive the process by hand with the workers off. Screenshots
 * of every step go to target/screenshots/.
 */
@PollingWorkers
@SpringBootTest(classes = WebUiTest.Application.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dicomstage.security.mode=demo",
                // As in the local run: the record-stream task list needs an engine that looks idle between polls.
                "camunda.client.worker.defaults.poll-interval=200ms"})
@ContextConfiguration(initializers = ZptEngineInitializer.class)
@Import({ZptHarnessConfiguration.class, DemoStudyData.class, ZptProcessInstances.Configuration.class})
class WebUiJourneyIT {


    @TempDir
    static Path directories;

    @DynamicPropertySource
    static void embeddedArchives(DynamicPropertyRegistry registry) {
        org.dicomstage.testing.EmbeddedNodes.register(registry, () -> directories,
                List.of(DemoStudyData.STUDY0_NODE, DemoStudyData.PROJECT_NODE, DemoStudyData.HOLDING_NODE));
    }

    @LocalServerPort
    int port;
    @Autowired
    DicomNodeRegistry nodes;
    @Autowired
    StudyService studies;

    private ChromeDriver browser;
    private WebDriverWait wait;
    private int step;

    @BeforeEach
    void seedAndOpenBrowser() throws Exception {
        EmbeddedArchive study0 = nodes.archive(DemoStudyData.STUDY0_NODE).orElseThrow();
        if (study0.size() == 0) {
            LocalArchives.seedStudy0(study0);
        }
        browser = HeadlessChromium.open(directories, 900);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        step = 0;
    }

    @AfterEach
    void noBlockedContentAndCloseBrowser() {
        HeadlessChromium.assertNothingBlockedAndQuit(browser);
    }

    @Test
    void researcherStagesTheRtSetWithoutTheUnapprovedPlanAndOthersSeeWhatTheyMay() {
        // Lookup: bulk search finds the demo RT patient (HN-001, PID-0001); nothing of the study is copied yet.
        login(DemoStudyData.RESEARCHER);
        waitFor(By.id("bulk-text"));
        browser.findElement(By.id("bulk-text")).sendKeys(DemoStudyData.studySubjectId(1));
        browser.findElement(By.id("bulk-search")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#patients tbody tr[data-pid]"), 1));
        assertThat(text(By.id("bulk-status"))).isEqualTo("1 subject(s) found.");
        assertThat(browser.findElement(By.cssSelector("#patients tbody tr[data-pid]")).getAttribute("data-pid"))
                .isEqualTo(DemoStudyData.pid(1));
        browser.findElement(By.cssSelector("#patients tbody tr[data-pid] button.toggle")).click();
        waitFor(By.cssSelector("td.nested tbody tr button"));
        assertThat(text(By.cssSelector("td.nested tbody tr td.project"))).isEqualTo("No");
        screenshot("lookup-no");

        // Edit starts the process with study, subject and Study0 study fixed: it goes straight to Pick series.
        long clicked = System.nanoTime();
        browser.findElement(By.cssSelector("td.nested tbody tr button[aria-label^='Edit']")).click();
        wait.until(ExpectedConditions.urlContains("/tasks.html?instance="));
        long instance = Long.parseLong(browser.getCurrentUrl().replaceAll(".*instance=(\\d+).*", "$1"));

        // RT view: the structure set brings its plans and doses; the unapproved plan (and its dose) is unchecked.
        awaitTask("Pick series");
        timing("Edit clicked -> Pick series form shown", clicked);
        screenshot("pick-series");
        browser.findElement(By.id("tab-rt")).click();
        waitFor(By.cssSelector(".tree [role=treeitem]"));
        WebElement structureSet = treeItem("RTSTRUCT");
        structureSet.findElement(By.cssSelector(":scope > input[type=checkbox]")).click();
        List<WebElement> below = treeItem("RTSTRUCT").findElements(By.cssSelector("li[role=treeitem] > input")).stream()
                .filter(WebElement::isEnabled).toList();
        assertThat(below).as("plans and doses under the structure set").hasSizeGreaterThanOrEqualTo(4)
                .allMatch(WebElement::isSelected);
        assertThat(text(By.id("plan-warning"))).contains("UNAPPROVED");
        screenshot("rt-structure-set-picked");
        WebElement unapproved = browser.findElement(By.xpath(
                "//li[@role='treeitem'][span[contains(@class,'badge') and .='UNAPPROVED']]"));
        unapproved.findElement(By.cssSelector(":scope > input[type=checkbox]")).click();
        assertThat(browser.findElements(By.id("plan-warning"))).isEmpty();
        assertThat(browser.findElement(By.xpath("//li[@role='treeitem'][span[contains(@class,'badge') and "
                + ".='UNAPPROVED']]")).findElements(By.cssSelector("input:checked"))).isEmpty();
        screenshot("rt-unapproved-unchecked");
        long picked = System.nanoTime();
        completeTask();

        // Confirm: the expanded selection holds the approved plan's set and not the unapproved plan.
        awaitTask("Confirm selection");
        timing("Pick series completed -> Confirm selection form shown", picked);
        assertThat(text(By.id("form-container"))).contains("APPROVED").doesNotContain("UNAPPROVED");
        screenshot("confirm-selection");
        long confirmed = System.nanoTime();
        completeTask();
        // Staged, verified and waiting for review, as the tasks API tells the page.
        new WebDriverWait(browser, Duration.ofSeconds(120)).pollingEvery(Duration.ofMillis(100)).until(d ->
                Boolean.TRUE.equals(((JavascriptExecutor) d).executeAsyncScript("const done = arguments[0];"
                        + " fetch('/api/tasks').then(r => r.text()).then(t => done(t.includes('Review staged copy')))"
                        + ".catch(() => done(false));")));
        timing("Confirm selection completed -> Review task waiting (4 series staged and verified)",
                confirmed);

        // Progress page: every series staged and verified, then the verification report.
        browser.get(url("/requests.html"));
        waitFor(By.cssSelector("#requests a"));
        browser.findElement(By.cssSelector("#requests a")).click();
        // Staged and verified, the copy is held for review until someone accepts it.
        new WebDriverWait(browser, Duration.ofSeconds(90)).until(d -> {
            List<WebElement> states = d.findElements(By.cssSelector("#request-series td.in-project"));
            return !states.isEmpty() && states.stream().allMatch(b -> b.getText().equals("Held for review"));
        });
        // "Held for review" covers staged and verified series: verification may still be reading the copy back
        // (slow on a loaded 2-core machine), and the page stops polling once every series is done.
        new WebDriverWait(browser, Duration.ofSeconds(90)).until(d -> {
            if (!d.findElements(By.id("verification-report")).isEmpty()) {
                return true;
            }
            d.navigate().refresh();
            return false;
        });
        assertThat(text(By.id("content"))).contains("Verification report: passed");
        screenshot("verified");
        // Every descriptor value that leaves with the copy, series by series, cleaned: no name of the patient.
        WebElement kept = browser.findElement(By.id("kept-descriptors"));
        assertThat(kept.findElements(By.cssSelector(".kept-series h3"))).isNotEmpty();
        assertThat(kept.findElements(By.cssSelector(".kept-values td"))).isNotEmpty();
        assertThat(kept.getText()).startsWith("Kept descriptor values (after cleaning)")
                .doesNotContain("Kowalski", "Anna", DemoStudyData.pid(1));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", kept);
        screenshot("kept-descriptors");

        // Review: accept.
        browser.get(url("/tasks.html"));
        waitFor(By.xpath("//tr[td[1][.='Review staged copy']]//button[.='Open']"));
        browser.findElement(By.xpath("//tr[td[1][.='Review staged copy']]//button[.='Open']")).click();
        awaitTask("Review staged copy");
        // Who the patient is in the held copy, and the checks in words, series by series.
        String reviewForm = text(By.id("form-container"));
        assertThat(reviewForm).contains("Requested by researcher.", "Pseudonymized identity", "Subject HN-001",
                        "Profile: rt-research", "Options: ", "Retain Longitudinal Temporal Information Modified Dates Option")
                .containsPattern("PatientID in the copy: RT-\\S+").containsPattern("PatientName in the copy: \\S+")
                .containsPattern("Dates: shifted back by \\d+ days?")
                .doesNotContain(DemoStudyData.pid(1), "Kowalski", "Anna");
        List<String> checks = browser.findElements(By.xpath("//div[@id='form-container']//table//tbody/tr/td[5]"))
                .stream().map(WebElement::getText).toList();
        assertThat(checks).as("the Checks column").hasSize(4).allSatisfy(c -> assertThat(c)
                .containsPattern("^(all \\d+ instances arrived|the 1 instance arrived); no source identifier found; ")
                .containsPattern("(pixel data identical in (\\d+) of \\2|no pixel data to compare); ")
                .containsPattern("(\\d+ references? checked, .*|no references to check)$"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", browser.findElement(
                By.xpath("//div[@id='form-container']//h3[contains(., 'Pseudonymized identity')]")));
        screenshot("review-identity-and-checks");
        assertThat(text(By.id("form-container"))).contains("Kept descriptor values (after cleaning)")
                .contains("kept, after cleaning").doesNotContain("Kowalski", DemoStudyData.pid(1));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", browser.findElement(
                By.xpath("//div[@id='form-container']//h3[contains(., 'Text that leaves the archive')]")));
        screenshot("review-kept-descriptors");
        // form-js renders radios without a value attribute: the option is found by its label.
        browser.findElement(By.xpath("//div[@id='form-container']//label[contains(., 'Accept the project copy')]"))
                .click();
        screenshot("review-accept");
        long acceptClicked = System.nanoTime();
        completeTask();
        // The end, on the same page: what was copied, for whom, where, and the request.
        new WebDriverWait(browser, Duration.ofSeconds(90)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("journey-heading"), "Copy accepted"));
        assertThat(text(By.id("journey-headline"))).matches("Copy accepted: 4 series, \\d+ instance\\(s\\) are in the"
                + " project archive 'project'\\.");
        assertThat(text(By.id("journey-facts"))).contains("HN-001", "project").containsPattern("PatientID in the copy\\s+\\S+");
        assertThat(browser.findElements(By.cssSelector("#journey-copied tbody tr"))).hasSize(4);
        assertThat(browser.findElement(By.id("journey-request-link")).getDomAttribute("href"))
                .startsWith("/requests.html?request=");
        timing("Review completed (accept) -> end page shown (published and verified in the project archive)",
                acceptClicked);
        screenshot("end-accepted");

        // Lookup again: the study is (partly) in the project now: the unapproved plan and its dose, and the MR, are not.
        browser.get(url("/"));
        waitFor(By.id("bulk-text"));
        browser.findElement(By.id("bulk-text")).sendKeys(DemoStudyData.studySubjectId(1));
        browser.findElement(By.id("bulk-search")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#patients tbody tr[data-pid]")));
        browser.findElement(By.cssSelector("#patients tbody tr[data-pid] button.toggle")).click();
        wait.until(d -> !d.findElements(By.cssSelector("td.nested tbody tr td.project")).isEmpty());
        // CT, structure set, approved plan and its dose of the study's seven series.
        assertThat(text(By.cssSelector("td.nested tbody tr td.project"))).isEqualTo("Partial (4 of 7)");
        screenshot("lookup-project-column");
        // Series by series: each says its own status, not the study's count.
        browser.findElement(By.cssSelector("td.nested tbody tr[data-study-uid] button.toggle")).click();
        wait.until(d -> d.findElements(By.cssSelector("table.series-status tbody tr")).size() == 7);
        // Two doses are both called "Dose": a list of rows, not a map by name.
        List<List<String>> status = browser.findElements(By.cssSelector("table.series-status tbody tr")).stream()
                .map(row -> row.findElements(By.tagName("td")))
                .map(cells -> List.of(cells.get(0).getText() + " " + cells.get(2).getText(), cells.get(4).getText()))
                .toList();
        String accepted = "Yes, " + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + " (request #";
        assertThat(status).filteredOn(r -> r.get(1).startsWith(accepted)).as(status::toString).hasSize(4);
        assertThat(status).filteredOn(r -> r.get(1).equals("No")).as(status::toString).hasSize(3);
        assertThat(status).as("the MR is not referenced by the RT set and was not picked")
                .filteredOn(r -> r.get(0).startsWith("MR ")).extracting(r -> r.get(1)).containsOnly("No");
        screenshot("lookup-series-status");
        signOut();

        // A user without membership sees nothing of the study, in the page or through the API.
        login(DemoStudyData.OUTSIDER);
        waitFor(By.id("no-study"));
        assertThat(browser.getPageSource()).doesNotContain(DemoStudyData.RT_HN_2026).doesNotContain("HN-001");
        for (String api : List.of("/api/studies/RT-HN-2026/subjects/" + DemoStudyData.pid(1) + "/dicom-studies",
                "/api/studies/RT-HN-2026/requests", "/api/processes/" + instance)) {
            Object answer = ((JavascriptExecutor) browser).executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch(arguments[0]).then(r => r.text().then(t => done(r.status + ' ' + t)));
                    """, api);
            assertThat(String.valueOf(answer)).as(api).startsWith("403").doesNotContain("HN-001")
                    .doesNotContain(DemoStudyData.pid(1));
        }
        screenshot("outsider");
        signOut();

        // The coordinator finds the finished instance in the process view.
        login(DemoStudyData.COORDINATOR);
        browser.get(url("/processes.html"));
        By link = By.cssSelector("#content a[href='/process.html?key=" + instance + "']");
        waitFor(link);
        assertThat(text(By.xpath("//table[@id='processes']//tr[td/a[@href='/process.html?key=" + instance
                + "']]/td[contains(@class,'duration')]"))).as("an ended instance: how long it took").startsWith("took ");
        screenshot("coordinator-processes");
        browser.findElement(link).click();
        // A loaded machine draws the diagram slowly; a diagram that fails says so in #diagram-error instead.
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(ExpectedConditions.or(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("#canvas .highlight-completed")),
                ExpectedConditions.visibilityOfElementLocated(By.id("diagram-error"))));
        assertThat(browser.findElement(By.id("diagram-error")).isDisplayed()).as(() -> text(By.id("diagram-error")))
                .isFalse();
        assertThat(text(By.id("variables"))).contains("verified");
        screenshot("coordinator-process-view");
    }

    /** The RT view's tree item whose label starts with this modality. */
    private WebElement treeItem(String modality) {
        return browser.findElement(By.xpath("//li[@role='treeitem'][label/strong[.='" + modality + "']]"));
    }

    private void awaitTask(String taskName) {
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(
                ExpectedConditions.textToBe(By.id("task-heading"), taskName));
        waitFor(By.cssSelector("#form-container .fjs-form"));
    }

    private void login(String user) {
        browser.get(url("/"));
        wait.until(ExpectedConditions.urlContains("/login"));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(user, Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("current-user")));
        screenshot("logged-in-" + user);
    }

    private void signOut() {
        browser.findElement(By.xpath("//button[.='Sign out']")).click();
        wait.until(ExpectedConditions.urlContains("/login?logout"));
    }

    /**
     * Completes the open task; a refusal (form validation or server) fails with its message. Following a process
     * with workers on, the next task may open at once and clear the "Task completed" flash: the task panel leaving
     * the completed task is the signal.
     */
    private void completeTask() {
        String heading = text(By.id("task-heading"));
        browser.findElement(By.id("complete-task")).click();
        wait.until(d -> !text(By.id("task-result")).isEmpty() || !text(By.id("flash")).isEmpty()
                || !heading.equals(text(By.id("task-heading"))));
        assertThat(text(By.id("task-result"))).as(() -> heading + ", last audit: "
                + studies.auditFor(DemoStudyData.RESEARCHER, 0, 1)).isEmpty();
    }

    /** For the closing note of the journey issue: what a researcher waits for, as this run measured it. */
    private static void timing(String what, long sinceNanos) {
        System.out.printf("journey timing | %s | %d ms%n", what, (System.nanoTime() - sinceNanos) / 1_000_000);
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
        HeadlessChromium.screenshot(browser, "fullJourney-%02d-%s.png".formatted(++step, name));
    }
}
