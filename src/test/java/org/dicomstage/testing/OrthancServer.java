package org.dicomstage.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A real Orthanc (Debian package {@code orthanc}, with {@code orthanc-dicomweb}) for integration tests: its own
 * configuration, storage and loopback ports, DICOMweb enabled, started with {@code TCP_NODELAY=1}, stopped and
 * wiped on {@link #close()}. Its log goes to {@code target/orthanc-<aet>-<n>.log}.
 *
 * <pre>{@code
 * try (OrthancServer orthanc = OrthancServer.builder().aet("ARCHIVE")
 *         .modality("STAGE", "STAGE", "127.0.0.1", 11112).start()) {
 *     orthanc.upload(file);
 *     DicomNodeConfig web = ... orthanc.dicomWebUrl() ...;
 * }
 * }</pre>
 */
public final class OrthancServer implements AutoCloseable {

    public static final Path EXECUTABLE = Path.of("/usr/sbin/Orthanc");
    public static final Path DICOMWEB_PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final String aet;
    private final int httpPort;
    private final int dicomPort;
    private final Path directory;
    private final Path log;
    private final Process process;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /** One DICOM peer Orthanc may talk to (C-MOVE destination) and accepts calls from. */
    public record Modality(String name, String aet, String host, int port) {
        public Modality {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(aet, "aet");
            Objects.requireNonNull(host, "host");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An Orthanc on free ports with AE title ORTHANC and no modalities. */
    public static OrthancServer start() {
        return builder().start();
    }

    public static final class Builder {
        private String aet = "ORTHANC";
        private int httpPort;
        private int dicomPort;
        private final Map<String, Modality> modalities = new LinkedHashMap<>();
        private final Map<String, Object> extraConfiguration = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder aet(String aet) {
            this.aet = Objects.requireNonNull(aet);
            return this;
        }

        /** 0 (the default) picks a free port. */
        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /** 0 (the default) picks a free port. */
        public Builder dicomPort(int port) {
            this.dicomPort = port;
            return this;
        }

        /** Registers a DICOM peer under {@code name} (Orthanc's key; also used for C-MOVE by name). */
        public Builder modality(String name, String aet, String host, int port) {
            modalities.put(name, new Modality(name, aet, host, port));
            return this;
        }

        /** Any further top-level Orthanc option (overrides the defaults written by this class). */
        public Builder configuration(String option, Object value) {
            extraConfiguration.put(option, value);
            return this;
        }

        public OrthancServer start() {
            return new OrthancServer(this);
        }
    }

    private OrthancServer(Builder builder) {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException("Orthanc is missing (" + EXECUTABLE
                    + "): install the Debian package orthanc (and orthanc-dicomweb): sudo apt-get install orthanc orthanc-dicomweb");
        }
        if (!Files.isRegularFile(DICOMWEB_PLUGIN)) {
            throw new IllegalStateException("Orthanc's DICOMweb plugin is missing (" + DICOMWEB_PLUGIN
                    + "): install the Debian package orthanc-dicomweb");
        }
        this.aet = builder.aet;
        this.httpPort = builder.httpPort > 0 ? builder.httpPort : freePort();
        this.dicomPort = builder.dicomPort > 0 ? builder.dicomPort : freePort(httpPort);
        int n = STARTED.incrementAndGet();
        try {
            this.directory = Files.createTempDirectory("orthanc-" + aet + "-");
            Path logDirectory = Path.of("target");
            Files.createDirectories(logDirectory);
            this.log = logDirectory.resolve("orthanc-" + aet + "-" + ProcessHandle.current().pid() + "-" + n + ".log")
                    .toAbsolutePath();
            Path configuration = directory.resolve("orthanc.json");
            Files.writeString(configuration, configuration(builder), StandardCharsets.UTF_8);
            ProcessBuilder command = new ProcessBuilder(EXECUTABLE.toString(), "--verbose", configuration.toString())
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            // Orthanc (dcmtk) sets TCP_NODELAY on its DICOM sockets only when asked: 40 ms per message otherwise.
            command.environment().put("TCP_NODELAY", "1");
            this.process = command.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Orthanc " + aet, e);
        }
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
        try {
            awaitStarted();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private String configuration(Builder builder) throws IOException {
        ObjectNode root = json.createObjectNode();
        root.put("Name", aet);
        root.put("DicomAet", aet);
        root.put("HttpPort", httpPort);
        root.put("DicomPort", dicomPort);
        root.put("StorageDirectory", directory.resolve("storage").toString());
        root.put("IndexDirectory", directory.resolve("index").toString());
        root.put("RemoteAccessAllowed", false);
        root.put("AuthenticationEnabled", false);
        root.putArray("Plugins").add(DICOMWEB_PLUGIN.toString());
        ObjectNode dicomWeb = root.putObject("DicomWeb");
        dicomWeb.put("Enable", true);
        dicomWeb.put("Root", "/dicom-web/");
        // Tests call from varying AE titles: accept every DIMSE service from anyone, but only when the called AE
        // title is ours (catches a misconfigured SCU). C-MOVE destinations still have to be listed below.
        root.put("DicomAlwaysAllowEcho", true);
        root.put("DicomAlwaysAllowStore", true);
        root.put("DicomAlwaysAllowFind", true);
        root.put("DicomAlwaysAllowGet", true);
        root.put("DicomAlwaysAllowMove", true);
        root.put("DicomCheckCalledAet", true);
        root.put("DicomCheckModalityHost", false);
        root.put("UnknownSopClassAccepted", true);
        // Jobs (C-MOVE, anonymization) must not outlive or survive the test.
        root.put("SaveJobs", false);
        root.put("StableAge", 1);
        ObjectNode modalities = root.putObject("DicomModalities");
        for (Modality modality : builder.modalities.values()) {
            ObjectNode entry = modalities.putObject(modality.name());
            entry.put("AET", modality.aet());
            entry.put("Host", modality.host());
            entry.put("Port", modality.port());
            // Our SCU may query and retrieve with C-FIND/C-GET/C-MOVE, and store.
            entry.put("AllowEcho", true);
            entry.put("AllowFind", true);
            entry.put("AllowGet", true);
            entry.put("AllowMove", true);
            entry.put("AllowStore", true);
        }
        builder.extraConfiguration.forEach((option, value) -> root.set(option, json.valueToTree(value)));
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private void awaitStarted() {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        URI system = URI.create(restUrl() + "/system");
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Orthanc " + aet + " exited with " + process.exitValue()
                        + " during start-up; log: " + log + "\n" + logTail());
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(system).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && pluginAnswers()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Orthanc " + aet, e);
            }
            sleep(100);
        }
        throw new IllegalStateException("Orthanc " + aet + " did not answer on " + system + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s; log: " + log + "\n" + logTail());
    }

    private boolean pluginAnswers() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(dicomWebUrl() + "/studies?limit=1"))
                .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 || response.statusCode() == 204;
    }

    // ---- addresses

    public String aet() {
        return aet;
    }

    public int httpPort() {
        return httpPort;
    }

    public int dicomPort() {
        return dicomPort;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** Orthanc's REST root, for example {@code http://127.0.0.1:8042}. */
    public String restUrl() {
        return "http://" + host() + ":" + httpPort;
    }

    /** The DICOMweb root without a trailing slash, for example {@code http://127.0.0.1:8042/dicom-web}. */
    public String dicomWebUrl() {
        return restUrl() + "/dicom-web";
    }

    public Path logFile() {
        return log;
    }

    /** The temporary directory holding configuration, index and storage; deleted on {@link #close()}. */
    public Path directory() {
        return directory;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    // ---- REST helpers

    /** POST /instances: stores one DICOM file (Part-10 or a bare dataset); returns Orthanc's instance ID. */
    public String upload(Path file) {
        try {
            JsonNode answer = request("POST", "/instances", HttpRequest.BodyPublishers.ofFile(file), 200);
            String status = answer.path("Status").asText();
            if (!"Success".equals(status) && !"AlreadyStored".equals(status)) {
                throw new IllegalStateException("Orthanc " + aet + " did not store " + file + ": " + answer);
            }
            return answer.path("ID").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Uploads every {@code *.dcm} file under {@code directory} (recursively, sorted; fixture folders also hold
     * provenance notes); returns Orthanc's instance IDs.
     */
    public List<String> uploadAll(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".dcm"))
                    .sorted().map(this::upload).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    public int instanceCount() {
        return get("/statistics").path("CountInstances").asInt();
    }

    /** Orthanc IDs of every instance. */
    public List<String> listInstances() {
        return strings(get("/instances"));
    }

    /** Orthanc IDs of every study. */
    public List<String> listStudies() {
        return strings(get("/studies"));
    }

    /** Main DICOM tags of one instance as Orthanc shows them ({@code /instances/{id}/simplified-tags}). */
    public JsonNode instanceTags(String orthancInstanceId) {
        return get("/instances/" + orthancInstanceId + "/simplified-tags");
    }

    /** SOP Instance UIDs of every stored instance. */
    public List<String> listSopInstanceUids() {
        JsonNode instances = get("/instances?expand");
        List<String> uids = new ArrayList<>();
        instances.forEach(i -> uids.add(i.path("MainDicomTags").path("SOPInstanceUID").asText()));
        return uids;
    }

    /** Deletes one stored instance, named by its SOP Instance UID: a copy that lost an instance. */
    public void deleteInstance(String sopInstanceUID) {
        JsonNode answer = request("POST", "/tools/lookup", HttpRequest.BodyPublishers.ofString(sopInstanceUID), 200);
        for (JsonNode hit : answer) {
            if ("Instance".equals(hit.path("Type").asText())) {
                request("DELETE", "/instances/" + hit.path("ID").asText(), HttpRequest.BodyPublishers.noBody(), 200);
                return;
            }
        }
        throw new IllegalStateException("Orthanc " + aet + " holds no instance " + sopInstanceUID);
    }

    /** Orthanc's ID for a StudyInstanceUID (POST /tools/lookup), or {@code null} when it is not stored. */
    public String findStudyId(String studyInstanceUID) {
        JsonNode answer = request("POST", "/tools/lookup",
                HttpRequest.BodyPublishers.ofString(studyInstanceUID), 200);
        for (JsonNode hit : answer) {
            if ("Study".equals(hit.path("Type").asText())) {
                return hit.path("ID").asText();
            }
        }
        return null;
    }

    /**
     * Orthanc's own anonymization of a study (synchronous); returns the new study's Orthanc ID. Handy to create a
     * second, differently identified copy of the fixtures.
     */
    public String anonymizeStudy(String orthancStudyId) {
        ObjectNode body = json.createObjectNode();
        body.put("Synchronous", true);
        body.put("Force", true);
        JsonNode answer = request("POST", "/studies/" + orthancStudyId + "/anonymize",
                HttpRequest.BodyPublishers.ofString(body.toString()), 200);
        return answer.path("ID").asText();
    }

    /**
     * Sends a resource (patient, study, series or instance, by Orthanc ID) to a configured modality over C-STORE and
     * waits until it is sent (Orthanc's {@code /modalities/{name}/store}, synchronous).
     */
    public void storeToModality(String orthancId, String modality) {
        ObjectNode body = json.createObjectNode();
        body.putArray("Resources").add(orthancId);
        body.put("Synchronous", true);
        request("POST", "/modalities/" + modality + "/store", HttpRequest.BodyPublishers.ofString(body.toString()),
                200);
    }

    /** Deletes every stored instance. */
    public void clear() {
        for (String patient : strings(get("/patients"))) {
            request("DELETE", "/patients/" + patient, HttpRequest.BodyPublishers.noBody(), 200);
        }
    }

    /** GET on the REST API, as JSON. */
    public JsonNode get(String path) {
        return request("GET", path, HttpRequest.BodyPublishers.noBody(), 200);
    }

    private JsonNode request(String method, String path, HttpRequest.BodyPublisher body, int expected) {
        URI uri = URI.create(restUrl() + path);
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).method(method, body).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Orthanc " + aet + ": " + method + " " + uri + " failed; log: " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + method + " " + uri, e);
        }
        if (response.statusCode() != expected) {
            throw new IllegalStateException("Orthanc " + aet + ": " + method + " " + uri + " answered "
                    + response.statusCode() + ": " + response.body() + "; log: " + log);
        }
        try {
            return response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("Orthanc " + aet + ": " + method + " " + uri + " answered non-JSON: "
                    + response.body(), e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> result = new ArrayList<>();
        if (array instanceof ArrayNode) {
            array.forEach(node -> result.add(node.asText()));
        }
        return result;
    }

    // ---- lifecycle

    /** Stops Orthanc (SIGTERM, then SIGKILL after 10 s) and deletes its configuration and storage. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        http.close();
        deleteRecursively(directory);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // best effort: a leftover temp file must not fail the test
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** A loopback port free right now (Orthanc binds it a moment later; collisions are unlikely, not impossible). */
    public static int freePort() {
        return freePort(-1);
    }

    private static int freePort(int avoid) {
        for (int attempt = 0; attempt < 10; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (port != avoid) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        throw new IllegalStateException("no free loopback port");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
