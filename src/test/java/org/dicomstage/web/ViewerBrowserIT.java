package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.staging.StagingService;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.StudyService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The review viewer in headless Chromium on the shared RT set, staged into the holding node by the real stager: the
 * reviewer opens it from the request page, sees the copy beside the original with the structure set's contours,
 * scrolls with the wheel and the keys, switches the window, and turns to the dose. Prints the time to the first
 * image as {@code viewer timing |} lines; screenshots in target/screenshots/.
 */
@WebUiTest
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ViewerBrowserIT {

    @TempDir
    static Path directories;

    @DynamicPropertySource
    static void ownArchives(DynamicPropertyRegistry registry) {
        org.dicomstage.testing.EmbeddedNodes.register(registry, () -> directories,
                List.of(DemoStudyData.STUDY0_NODE, DemoStudyData.PROJECT_NODE, DemoStudyData.HOLDING_NODE));
    }

    @LocalServerPort
    int port;
    @Autowired
    StudyService studies;
    @Autowired
    DicomNodeRegistry nodes;
    @Autowired
    StagingService staging;
    @Autowired
    io.camunda.client.CamundaClient camunda;
    @Autowired
    org.dicomstage.workflow.UserTasks tasks;

    private ChromeDriver browser;
    private WebDriverWait wait;
    private String test;
    private int step;

    @BeforeEach
    void openBrowser(org.junit.jupiter.api.TestInfo info) throws Exception {
        test = info.getTestMethod().orElseThrow().getName().startsWith("theReviewTask") ? "review-task" : "request";
        browser = HeadlessChromium.open(directories, 900);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterEach
    void noBlockedContentAndCloseBrowser() {
        HeadlessChromium.assertNothingBlockedAndQuit(browser);
    }

    /** First, so that opening the viewer retrieves the series: the time to the first image is measured cold. */
    @Test
    @org.junit.jupiter.api.Order(1)
    void reviewerScrollsTheStagedCtBesideItsOriginalWithContoursAndSwitchesTheWindow() {
        long request = StagedRtRequest.open(studies, nodes, staging);
        login(DemoStudyData.RESEARCHER);
        browser.get(url("/requests.html?request=" + request));
        waitFor(By.id("open-viewer"));

        // First open: the server retrieves both series and renders the first slices.
        long clicked = System.nanoTime();
        browser.findElement(By.id("open-viewer")).click();
        awaitShown(0, "as-stored");
        timing("Image viewer opened from the request page -> first slice of copy and original shown (demo CT, "
                + "5 slices of 512x512, series retrieved on first use)", clicked);
        System.out.printf("viewer timing | first image, as the page measured it (script start -> first load) | %s ms%n",
                browser.findElement(By.tagName("body")).getDomAttribute("data-first-image-ms"));
        assertThat(text(By.id("viewer-heading"))).isEqualTo("Image viewer · request #" + request + " · "
                + DemoStudyData.RT_HN_2026 + " · subject " + DemoStudyData.RT_FIXTURE_SUBJECT_ID);
        assertThat(new Select(browser.findElement(By.id("viewer-series"))).getFirstSelectedOption().getText())
                .startsWith("CT").endsWith("Copy held for review");
        assertThat(text(By.id("viewer-position"))).startsWith("1 of 5 · ");
        assertThat(text(By.cssSelector("#viewer-copy h2"))).isEqualTo("Copy held for review");
        assertThat(text(By.cssSelector("#viewer-source h2"))).isEqualTo("Study0 original");
        assertContoursOnBothSides();
        assertThat(text(By.id("viewer-legend"))).contains("BODY", "PAROTID_LT", "PTV");
        assertThat(browser.getPageSource()).doesNotContain(DemoStudyData.RT_FIXTURE_PID);
        screenshot("first-slice");

        // Wheel down twice over the images, then the arrow key and End: both sides follow, contours included.
        WebElement images = browser.findElement(By.id("viewer-sides"));
        for (int i = 0; i < 2; i++) {
            new Actions(browser).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(images), 0, 120).perform();
            awaitShown(i + 1, "as-stored");
        }
        assertThat(text(By.id("viewer-position"))).startsWith("3 of 5 · ");
        assertContoursOnBothSides();
        screenshot("wheel-to-slice-3");
        images.sendKeys(Keys.ARROW_DOWN);
        awaitShown(3, "as-stored");
        images.sendKeys(Keys.END);
        awaitShown(4, "as-stored");
        images.sendKeys(Keys.HOME);
        awaitShown(0, "as-stored");
        // Opened once, every slice is on the server: scrolling back to the start is quick.
        long scrolled = System.nanoTime();
        images.sendKeys(Keys.ARROW_DOWN);
        awaitShown(1, "as-stored");
        timing("Arrow down -> next slice shown on both sides (warm)", scrolled);

        // Lung window: the same slice rendered again on both sides.
        String before = browser.findElement(By.cssSelector("#viewer-copy img")).getDomAttribute("src");
        long switched = System.nanoTime();
        new Select(browser.findElement(By.id("viewer-preset"))).selectByValue("ct-lung");
        awaitShown(1, "ct-lung");
        timing("Window preset CT lung chosen -> slice shown on both sides", switched);
        assertThat(browser.findElement(By.cssSelector("#viewer-copy img")).getDomAttribute("src")).isNotEqualTo(before)
                .endsWith("preset=ct-lung");
        assertContoursOnBothSides();
        screenshot("ct-lung-window");

        browser.findElement(By.id("viewer-contours")).click();
        assertThat(browser.findElements(By.cssSelector("#viewer-sides svg path"))).isEmpty();
        screenshot("contours-off");
        browser.findElement(By.id("viewer-contours")).click();
        assertContoursOnBothSides();

        // The dose grid: three frames, windowed from zero to its maximum, no contours of its own.
        new Select(browser.findElement(By.id("viewer-series"))).selectByVisibleText(
                new Select(browser.findElement(By.id("viewer-series"))).getOptions().stream()
                        .map(WebElement::getText).filter(t -> t.startsWith("RTDOSE")).findFirst().orElseThrow());
        awaitShown(0, "full-range");
        assertThat(text(By.id("viewer-position"))).startsWith("1 of 3");
        screenshot("dose");
    }

    /**
     * The review task's page links to the viewer of the process's request, beside the form. Workers are off: the
     * test does their part up to the review, with the series staged and verified for real by {@link StagedRtRequest}.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void theReviewTaskOpensTheViewerOfItsRequest() {
        long request = StagedRtRequest.open(studies, nodes, staging);
        var staged = studies.stagingRequest(request);
        long instance = staged.processInstanceKey() != null ? staged.processInstanceKey() : atReview(request);
        var review = org.dicomstage.testing.Poll.until(Duration.ofSeconds(30), () -> tasks.open(instance).stream()
                .filter(t -> t.elementId().equals("ReviewStagedCopy")).findFirst().orElse(null), () -> "no review");

        login(DemoStudyData.RESEARCHER);
        browser.get(url("/tasks.html?task=" + review.key()));
        wait.until(ExpectedConditions.textToBe(By.id("task-heading"), "Review staged copy"));
        By link = By.cssSelector("#task-meta .review-viewer a");
        waitFor(link);
        assertThat(browser.findElement(link).getDomAttribute("href")).isEqualTo("/viewer.html?request=" + request);
        screenshot("review-task-link");
        String tasksWindow = browser.getWindowHandle();
        browser.findElement(link).click();
        wait.until(d -> d.getWindowHandles().size() == 2);
        browser.switchTo().window(browser.getWindowHandles().stream().filter(h -> !h.equals(tasksWindow))
                .findFirst().orElseThrow());
        awaitShown(0, "as-stored");
        assertContoursOnBothSides();
        screenshot("from-review-task");
    }

    /** Starts the process for the request and does the workers' part up to Review staged copy. */
    private long atReview(long request) {
        String study0Study = org.dicomstage.testing.SharedData.RT_STUDY_UID;
        long instance = camunda.newCreateInstanceCommand().bpmnProcessId("create-project-specific-dicom")
                .latestVersion().variables(java.util.Map.of("requestedBy", DemoStudyData.RESEARCHER,
                        "studyId", DemoStudyData.RT_HN_2026, "selectedSubjectIds",
                        List.of(DemoStudyData.RT_FIXTURE_SUBJECT_ID), "study0StudyInstanceUid", study0Study,
                        "stagingRequestId", request))
                .send().join().getProcessInstanceKey();
        assertThat(studies.bindProcess(request, instance)).isTrue();
        completeJob(instance, "dicomstage.check-access", java.util.Map.of("studyName", "Adaptive RT",
                "enrolledSubjects", List.of(), "cancelKey", Long.toString(instance)));
        List<java.util.Map<String, Object>> series = studies.stagingRequest(request).series().stream()
                .map(s -> java.util.Map.<String, Object>of("seriesInstanceUid", s.seriesInstanceUid(),
                        "studyInstanceUid", s.studyInstanceUid(), "modality", s.modality(), "seriesDescription",
                        s.description() == null ? "" : s.description(), "instanceCount", s.instanceCount(),
                        "stagingRequestId", request)).toList();
        List<Object> uids = series.stream().map(s -> s.get("seriesInstanceUid")).toList();
        completeJob(instance, "dicomstage.query-study0", java.util.Map.of("seriesTable", series,
                "availableSeries", series, "seriesOptions", List.of(), "rtTree", List.of()));
        tasks.complete(awaitTask(instance, "PickSeries"), java.util.Map.of("pickedSeriesUids", uids));
        completeJob(instance, "dicomstage.expand-selection", java.util.Map.of("expandedSelection", series,
                "selectionOptions", List.of(), "confirmedSeriesUids", uids, "selectionWarnings", ""));
        tasks.complete(awaitTask(instance, "ConfirmSelection"), java.util.Map.of("confirmedSeriesUids", uids));
        for (int i = 0; i < series.size(); i++) {
            completeJob(instance, "dicomstage.stage-series", java.util.Map.of());
        }
        completeJob(instance, "dicomstage.verify", java.util.Map.of("verified", true, "verificationReport",
                List.of()));
        return instance;
    }

    private long awaitTask(long instance, String elementId) {
        return org.dicomstage.testing.Poll.until(Duration.ofSeconds(30), () -> tasks.open(instance).stream()
                .filter(t -> t.elementId().equals(elementId)).findFirst().orElse(null), () -> "no " + elementId).key();
    }

    private void completeJob(long instance, String type, java.util.Map<String, Object> variables) {
        var job = org.dicomstage.testing.Poll.until(Duration.ofSeconds(30), () -> camunda.newActivateJobsCommand()
                .jobType(type).maxJobsToActivate(1).timeout(Duration.ofSeconds(60)).send().join().getJobs().stream()
                .filter(j -> j.getProcessInstanceKey() == instance).findFirst().orElse(null), () -> "no " + type);
        camunda.newCompleteCommand(job.getKey()).variables(variables).send().join();
    }

    /** Contours arrive after the images: waits for them, then checks that they are the structure set's. */
    private void assertContoursOnBothSides() {
        for (String side : List.of("source", "copy")) {
            wait.until(d -> !d.findElements(By.cssSelector("#viewer-" + side + " svg path")).isEmpty());
            List<WebElement> paths = browser.findElements(By.cssSelector("#viewer-" + side + " svg path"));
            assertThat(paths).as(side + " contours").isNotEmpty();
            assertThat(paths).extracting(p -> p.getDomAttribute("data-roi")).as(side).contains("BODY");
            assertThat(paths).allMatch(p -> p.getDomAttribute("d").startsWith("M"));
        }
    }

    /** Both sides show slice {@code index} (0-based) with this window, loaded. */
    private void awaitShown(int index, String preset) {
        String shown = index + "|" + preset;
        wait.until(d -> List.of("source", "copy").stream().allMatch(side -> {
            List<WebElement> box = d.findElements(By.id("viewer-" + side));
            return !box.isEmpty() && shown.equals(box.get(0).getDomAttribute("data-shown"));
        }));
    }

    private void login(String user) {
        browser.get(url("/"));
        wait.until(ExpectedConditions.urlContains("/login"));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(user, Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("current-user")));
    }

    /** With the machine's load average: on a shared 2-core machine it explains more of the time than the viewer. */
    private static void timing(String what, long sinceNanos) {
        System.out.printf("viewer timing | %s | %d ms | load average %.1f%n", what,
                (System.nanoTime() - sinceNanos) / 1_000_000,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
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
        HeadlessChromium.screenshot(browser, "viewer-%s-%02d-%s.png".formatted(test, ++step, name));
    }
}
