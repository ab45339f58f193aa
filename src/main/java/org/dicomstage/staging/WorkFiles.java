package org.dicomstage.staging;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Staging's work directories ({@value #PREFIX}{@code <pid>-*} in the temporary directory) hold retrieved, not yet
 * pseudonymized instances. The stager deletes each one when its series is done; a crash leaves it behind, so at
 * start-up every such directory whose process is no longer alive is deleted. Those of live processes (another
 * instance on the same host, or this JVM's other contexts in tests) are left alone.
 */
@Component
public class WorkFiles implements ApplicationRunner {

    static final String PREFIX = "dicomstage-stage-";

    private static final Logger log = LoggerFactory.getLogger(WorkFiles.class);
    private static final Pattern OWNER = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-.*");

    @Override
    public void run(ApplicationArguments args) {
        int deleted = deleteStale(Path.of(System.getProperty("java.io.tmpdir")));
        if (deleted > 0) {
            log.warn("deleted {} staging work director{} left by a crashed instance", deleted, deleted == 1 ? "y" : "ies");
        }
    }

    /** Deletes the work directories under {@code directory} that no live process owns; returns how many. */
    public static int deleteStale(Path directory) {
        int deleted = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(directory, PREFIX + "*")) {
            for (Path dir : dirs) {
                Matcher m = OWNER.matcher(dir.getFileName().toString());
                // Without an owner (an older version's directory) nobody can still be using it after a restart.
                boolean alive = m.matches() && ProcessHandle.of(Long.parseLong(m.group(1)))
                        .map(ProcessHandle::isAlive).orElse(false);
                if (!alive && Files.isDirectory(dir)) {
                    deleteTree(dir);
                    deleted++;
                }
            }
        } catch (IOException e) {
            log.warn("cannot look for stale staging work files in {}: {}", directory, e.getMessage());
        }
        return deleted;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
