package org.dicomstage.pseudonym;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the CLI writes a run's files. A new (or empty) {@code --out} is filled as a hidden sibling folder,
 * {@code .NAME.partial-XXXX}, which is renamed to {@code --out} when the run is done: nobody sees a half-written
 * output folder, a killed run leaves only the clearly named partial folder, and the files inside are created in
 * place, without a temporary name and a rename each (a third of the run's kernel time on ext4). An {@code --out}
 * that already holds files is written into directly, each file replacing its earlier copy atomically.
 */
final class OutputFolder {

    private final Path out;
    private final Path work;

    private OutputFolder(Path out, Path work) {
        this.out = out;
        this.work = work;
    }

    static OutputFolder open(Path out) throws IOException {
        if (Files.isDirectory(out) && !isEmpty(out)) {
            return new OutputFolder(out, out);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException(out + " exists and is not a folder");
        }
        Path parent = out.getParent();
        Files.createDirectories(parent);
        for (int attempt = 0; ; attempt++) {
            Path work = parent.resolve("." + out.getFileName() + ".partial-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
            try {
                return new OutputFolder(out, Files.createDirectory(work));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
    }

    /** Whether files go into a folder of their own (created in place) rather than among earlier ones. */
    boolean fresh() {
        return !work.equals(out);
    }

    /** Where the file for {@code relative} (a path under {@code --in}) is written during the run. */
    Path target(Path relative) {
        return work.resolve(relative.toString());
    }

    /** A message about files of the run, with their paths as they are once the run is done. */
    String asPublished(String message) {
        return fresh() ? message.replace(work.toString(), out.toString()) : message;
    }

    /**
     * Moves a fresh folder into place as {@code --out}. Throws, naming the partial folder (which is kept), when
     * {@code --out} was filled by someone else meanwhile or cannot be replaced.
     */
    void finish() throws IOException {
        if (!fresh()) {
            return;
        }
        try {
            if (Files.isDirectory(out)) {
                Files.delete(out); // empty when the run began; refused if it no longer is
            }
            Files.move(work, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            String reason = e instanceof AtomicMoveNotSupportedException ? "cannot be renamed atomically"
                    : e.getClass().getSimpleName() + " " + e.getMessage();
            throw new IOException("the files are in " + work + ", which could not become " + out + " (" + reason
                    + ")", e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }
}
