package org.dicomstage.study;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A private PostgreSQL cluster in a temporary directory, started once per JVM from the server binaries that
 * scripts/setup installs, and removed at exit. Each caller of {@link #register} gets its own database, so test
 * classes that commit do not see each other's rows. initdb refuses to run as root, so as root it runs as postgres.
 */
public final class ThrowawayPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static ThrowawayPostgres instance;

    private final Path binaries;
    private final Path directory;
    private final int port;
    private final boolean asPostgresUser;

    private ThrowawayPostgres(Path binaries, Path directory, int port, boolean asPostgresUser) {
        this.binaries = binaries;
        this.directory = directory;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Points the Spring datasource at a fresh database instead of the embedded one @DataJpaTest would use. */
    static void register(DynamicPropertyRegistry registry) {
        String url = get().newDatabase();
        registry.add("spring.test.database.replace", () -> "none");
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    /** JDBC URL of a fresh database (user {@code postgres}, no password), for contexts built by hand. */
    public static String newDatabaseUrl() {
        return get().newDatabase();
    }

    static synchronized ThrowawayPostgres get() {
        if (instance == null) {
            try {
                instance = start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start a throwaway PostgreSQL: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "stop-throwaway-postgres"));
        }
        return instance;
    }

    private static ThrowawayPostgres start() throws IOException, InterruptedException {
        Path binaries = findBinaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path directory = Files.createTempDirectory("dicomstage-pg-");
        if (root) {
            UserPrincipal postgres = directory.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName("postgres");
            Files.setOwner(directory, postgres);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ThrowawayPostgres pg = new ThrowawayPostgres(binaries, directory, port, root);
        pg.run("initdb", "-D", directory.resolve("data").toString(), "-A", "trust", "-U", "postgres",
                "-E", "UTF8", "--no-sync");
        pg.run("pg_ctl", "-D", directory.resolve("data").toString(), "-w", "-l", directory.resolve("log").toString(),
                "-o", "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        return pg;
    }

    private static Path findBinaries() throws IOException {
        String override = System.getenv("DICOMSTAGE_PG_BIN");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparing(v -> versionOf(v.getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            }
        }
        throw new IOException("no PostgreSQL server under /usr/lib/postgresql/*/bin; run scripts/setup or set "
                + "DICOMSTAGE_PG_BIN");
    }

    private static int versionOf(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String newDatabase() {
        String name = "dicomstage_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (var connection = DriverManager.getConnection(url("postgres"), "postgres", "");
             var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void stop() {
        try {
            run("pg_ctl", "-D", directory.resolve("data").toString(), "-m", "immediate", "stop");
        } catch (IOException | InterruptedException e) {
            // Shutting down anyway; the directory is removed below and the server dies without its data directory.
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort in a shutdown hook; a leftover temp directory is harmless.
        }
    }

    private void run(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(binaries.resolve(tool).toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve(tool + ".out").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(tool + " failed: " + Files.readString(directory.resolve(tool + ".out")));
        }
    }
}
