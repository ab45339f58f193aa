package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's chromium and chromedriver as installed (Selenium Manager downloads nothing), headless, with the flags
 * a closed network needs, and the checks every browser test ends with.
 */
final class HeadlessChromium {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private HeadlessChromium() {
    }

    /** A fresh browser with its own profile under {@code profiles}, 1280 pixels wide. */
    static ChromeDriver open(Path profiles, int windowHeight) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280," + windowHeight, "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(profiles, "profile"));
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        // One driver service per browser: quitting the browser stops its service.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /**
     * The content security policy blocks anything not from the application (and eval); a blocked load or script
     * shows up in the console. None may: the UI must work without leaving the server. Quits the browser either way.
     */
    static void assertNothingBlockedAndQuit(ChromeDriver browser) {
        try {
            List<String> refused = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .map(LogEntry::getMessage)
                    .filter(m -> m.contains("Content Security Policy") || m.contains("Refused to"))
                    .toList();
            assertThat(refused).as("content blocked by the content security policy").isEmpty();
        } finally {
            browser.quit();
        }
    }

    /** Saves what the browser shows as {@code target/screenshots/<fileName>}. */
    static void screenshot(ChromeDriver browser, String fileName) {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        try {
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot save screenshot " + fileName, e);
        }
    }
}
