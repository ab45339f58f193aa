package org.dicomstage.dicom;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;

/**
 * A {@link DicomNode} spoken to over DICOMweb: QIDO-RS queries, WADO-RS retrieval (streamed part by part,
 * original transfer syntax) and STOW-RS storage, with {@code java.net.http}.
 *
 * <p>At most {@link DicomNodeConfig#maxAssociations()} requests run at once; a series retrieval holds its
 * slot until the whole response has been consumed. {@link DicomNodeConfig#readTimeout()} bounds the wait for
 * a response's headers and, while its body streams in, each wait for more data.
 */
public final class DicomWebNode implements DicomNode, AutoCloseable {

    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    private static final String DICOM = "application/dicom";
    private static final String DICOM_JSON = "application/dicom+json";
    /** transfer-syntax=* asks for the stored transfer syntax instead of a transcode to Explicit VR LE. */
    private static final String ACCEPT_SERIES = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    private static final int QIDO_PAGE = 1000;
    /** Where Part-10 files carry "DICM" (PS3.10 7.1): after the 128-byte preamble. */
    private static final int PREAMBLE_LENGTH = 128;
    private static final byte[] DICM = "DICM".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final String OUR_AE_TITLE = "DICOMSTAGE";
    private static final int ERROR_BODY_EXCERPT = 300;

    private static final AttributeTag FAILED_SOP_SEQUENCE = DicomJson.tag("FailedSOPSequence");
    private static final AttributeTag FAILURE_REASON = DicomJson.tag("FailureReason");

    private final String name;
    private final URI baseUri;
    private final Duration readTimeout;
    private final HttpClient http;
    private final Semaphore requests;
    private final int maxRequests;
    private final ObjectMapper json = new ObjectMapper();
    private final Path temporaryDirectory;

    /** Temporary part files go to the JVM's temporary directory. */
    public DicomWebNode(DicomNodeConfig config) {
        this(config, null);
    }

    /**
     * @param temporaryDirectory where each retrieved instance is spooled while the consumer sees it; {@code null}
     *                           for the JVM's temporary directory
     */
    public DicomWebNode(DicomNodeConfig config, Path temporaryDirectory) {
        Objects.requireNonNull(config, "config");
        if (config.baseUrl() == null || config.baseUrl().isBlank()) {
            throw new IllegalArgumentException("DICOMweb node '" + config.name() + "' has no baseUrl");
        }
        this.name = config.name();
        String base = config.baseUrl().strip();
        this.baseUri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        if (!"http".equals(baseUri.getScheme()) && !"https".equals(baseUri.getScheme())) {
            throw new IllegalArgumentException("DICOMweb node '" + name + "': baseUrl must be http(s): " + base);
        }
        this.readTimeout = positiveOr(config.readTimeout(), DEFAULT_READ_TIMEOUT);
        this.maxRequests = Math.max(1, config.maxAssociations());
        this.requests = new Semaphore(maxRequests, true);
        this.temporaryDirectory = temporaryDirectory;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(positiveOr(config.connectTimeout(), DEFAULT_CONNECT_TIMEOUT))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    /** An HTTP round trip through QIDO-RS: proves the DICOMweb service, not only the web server, answers. */
    @Override
    public void echo() {
        URI uri = uri("/studies", Map.of("limit", "1"));
        withSlot("echo", uri, () -> {
            Answer answer = exchange("echo", get(uri, DICOM_JSON));
            requireStatus("echo", uri, answer.status(), answer.body(), 200, 204);
            return null;
        });
    }

    @Override
    public List<PatientEntry> findPatients(String patientID) {
        String pattern = patientID == null || patientID.isEmpty() ? "*" : patientID;
        Pattern matcher = wildcard(pattern);
        // QIDO-RS has no patient level: aggregate the studies' patient attributes.
        Map<String, PatientEntry> patients = new LinkedHashMap<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        // Orthanc's '*' does not match an empty value, DICOM's does: ask for everything and filter here.
        if (!pattern.chars().allMatch(c -> c == '*')) {
            parameters.put("PatientID", queryable(pattern));
        }
        parameters.put("includefield", includes(TagFromName.PatientID, TagFromName.PatientName));
        for (JsonNode study : query("find patients", "/studies", parameters)) {
            String id = DicomJson.string(study, TagFromName.PatientID);
            if (!matcher.matcher(id).matches()) {
                continue;
            }
            String patientName = DicomJson.string(study, TagFromName.PatientName);
            patients.merge(id, new PatientEntry(id, patientName, 1),
                    (a, b) -> new PatientEntry(id, a.patientName().isEmpty() ? b.patientName() : a.patientName(),
                            a.numberOfPatientRelatedStudies() + 1));
        }
        return List.copyOf(patients.values());
    }

    @Override
    public List<StudyEntry> findStudies(String patientID) {
        Objects.requireNonNull(patientID, "patientID");
        List<StudyEntry> studies = new ArrayList<>();
        for (JsonNode study : query("find studies", "/studies", Map.of(
                "PatientID", queryable(patientID),
                "includefield", includes(TagFromName.PatientName, TagFromName.StudyDate,
                        TagFromName.StudyDescription, TagFromName.AccessionNumber, TagFromName.ModalitiesInStudy,
                        TagFromName.NumberOfStudyRelatedSeries, TagFromName.NumberOfStudyRelatedInstances)))) {
            String id = DicomJson.string(study, TagFromName.PatientID);
            // The peer matched a wildcard if the ID has '*', '?' or characters made into them: keep exact matches.
            if (!id.equals(patientID)) {
                continue;
            }
            studies.add(new StudyEntry(
                    DicomJson.string(study, TagFromName.StudyInstanceUID),
                    id,
                    DicomJson.string(study, TagFromName.PatientName),
                    DicomJson.string(study, TagFromName.StudyDate),
                    DicomJson.string(study, TagFromName.StudyDescription),
                    DicomJson.string(study, TagFromName.AccessionNumber),
                    List.copyOf(DicomJson.strings(study, TagFromName.ModalitiesInStudy)),
                    DicomJson.integer(study, TagFromName.NumberOfStudyRelatedSeries, 0),
                    DicomJson.integer(study, TagFromName.NumberOfStudyRelatedInstances, 0)));
        }
        return studies;
    }

    @Override
    public List<SeriesEntry> findSeries(String studyInstanceUID) {
        String path = "/studies/" + uid(studyInstanceUID) + "/series";
        List<SeriesEntry> series = new ArrayList<>();
        for (JsonNode s : query("find series", path, Map.of("includefield", includes(
                TagFromName.Modality, TagFromName.SeriesDescription, TagFromName.SeriesNumber,
                TagFromName.NumberOfSeriesRelatedInstances)))) {
            series.add(new SeriesEntry(
                    studyInstanceUID,
                    DicomJson.string(s, TagFromName.SeriesInstanceUID),
                    DicomJson.string(s, TagFromName.Modality),
                    DicomJson.string(s, TagFromName.SeriesDescription),
                    DicomJson.string(s, TagFromName.SeriesNumber),
                    DicomJson.integer(s, TagFromName.NumberOfSeriesRelatedInstances, 0)));
        }
        return series;
    }

    @Override
    public List<InstanceEntry> findInstances(String studyInstanceUID, String seriesInstanceUID) {
        String path = seriesPath(studyInstanceUID, seriesInstanceUID) + "/instances";
        List<InstanceEntry> instances = new ArrayList<>();
        for (JsonNode i : query("find instances", path, Map.of("includefield", includes(
                TagFromName.SOPClassUID, TagFromName.InstanceNumber)))) {
            instances.add(new InstanceEntry(
                    studyInstanceUID,
                    seriesInstanceUID,
                    DicomJson.string(i, TagFromName.SOPInstanceUID),
                    DicomJson.string(i, TagFromName.SOPClassUID),
                    DicomJson.string(i, TagFromName.InstanceNumber)));
        }
        return instances;
    }

    @Override
    public int retrieveSeries(String studyInstanceUID, String seriesInstanceUID, InstanceConsumer consumer) {
        Objects.requireNonNull(consumer, "consumer");
        String operation = "retrieve series " + seriesInstanceUID;
        URI uri = uri(seriesPath(studyInstanceUID, seriesInstanceUID), Map.of());
        return withSlot(operation, uri, () -> {
            HttpResponse<InputStream> response = send(operation, get(uri, ACCEPT_SERIES),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = new IdleTimeoutInputStream(response.body(), readTimeout)) {
                if (response.statusCode() != 200) {
                    requireStatus(operation, uri, response.statusCode(), readExcerpt(body), 200);
                }
                String contentType = response.headers().firstValue("Content-Type").orElse("");
                String boundary;
                try {
                    boundary = MultipartRelatedReader.boundaryOf(contentType);
                } catch (IllegalArgumentException e) {
                    throw failure(operation, uri, "unexpected response: " + e.getMessage(), null);
                }
                return readParts(operation, uri, new MultipartRelatedReader(body, boundary), consumer);
            } catch (IOException e) {
                throw failure(operation, uri, "reading the response failed: " + e, e);
            }
        });
    }

    private int readParts(String operation, URI uri, MultipartRelatedReader reader, InstanceConsumer consumer)
            throws IOException {
        int count = 0;
        while (true) {
            Path part = createTemporaryFile(".part");
            Path part10 = null;
            try {
                Map<String, String> headers;
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(part, StandardOpenOption.WRITE),
                        64 * 1024)) {
                    headers = reader.nextPart(out);
                }
                if (headers == null) {
                    return count;
                }
                String partType = headers.getOrDefault("content-type", "").split(";", 2)[0].trim();
                if (!partType.equalsIgnoreCase(DICOM)) {
                    throw failure(operation, uri, "part " + (count + 1) + " is " + partType + ", not " + DICOM, null);
                }
                part10 = hasPart10Header(part) ? part : withPart10Header(operation, uri, part, count + 1);
                deliver(operation, consumer, part10);
                count++;
            } finally {
                Files.deleteIfExists(part);
                if (part10 != null) {
                    Files.deleteIfExists(part10);
                }
            }
        }
    }

    private void deliver(String operation, InstanceConsumer consumer, Path file) {
        try {
            consumer.accept(file);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("DICOMweb node '" + name + "': " + operation
                    + ": the consumer failed on an instance: " + e.getMessage(), e);
        }
    }

    /**
     * Some archives (Orthanc, for files uploaded without one) send the dataset without the Part-10 header that
     * WADO-RS promises. Prepends one; the dataset's bytes stay as they came.
     */
    private Path withPart10Header(String operation, URI uri, Path dataset, int number) throws IOException {
        AttributeList header = new AttributeList();
        String transferSyntax;
        try {
            // within DicomLimits before PixelMed allocates what the part declares
            PixelDataDigest.checkStructure(dataset, "part " + number);
        } catch (IllegalArgumentException e) {
            throw failure(operation, uri, e.getMessage(), e);
        }
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(dataset)))) {
            header.read(in, TagFromName.PixelData);
            transferSyntax = in.getTransferSyntaxToReadDataSet().getUID();
        } catch (DicomException | IOException | StackOverflowError | OutOfMemoryError e) {
            throw failure(operation, uri, "part " + number + " is neither a Part-10 file nor a readable dataset: " + e,
                    e);
        }
        String sopClass = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.SOPClassUID);
        String sopInstance = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.SOPInstanceUID);
        if (sopClass.isEmpty() || sopInstance.isEmpty()) {
            throw failure(operation, uri, "a part has no SOPClassUID or SOPInstanceUID", null);
        }
        Path part10 = createTemporaryFile(".dcm");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(part10, StandardOpenOption.WRITE))) {
            AttributeList meta = new AttributeList();
            FileMetaInformation.addFileMetaInformation(meta, sopClass, sopInstance, transferSyntax, OUR_AE_TITLE);
            // PixelMed closes the stream it writes to; the dataset still has to follow.
            meta.write(new FilterOutputStream(out) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            }, transferSyntax, true, true);
            Files.copy(dataset, out);
        } catch (DicomException e) {
            Files.deleteIfExists(part10);
            throw failure(operation, uri, "could not write a Part-10 header for " + sopInstance + ": " + e, e);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part10);
            throw e;
        }
        return part10;
    }

    private static boolean hasPart10Header(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(PREAMBLE_LENGTH + DICM.length);
            return head.length == PREAMBLE_LENGTH + DICM.length
                    && Arrays.equals(head, PREAMBLE_LENGTH, head.length, DICM, 0, DICM.length);
        }
    }

    @Override
    public List<AttributeList> retrieveHeaders(String studyInstanceUID, String seriesInstanceUID) {
        String operation = "retrieve headers of series " + seriesInstanceUID;
        URI uri = uri(seriesPath(studyInstanceUID, seriesInstanceUID) + "/metadata", Map.of());
        JsonNode metadata = getJson(operation, uri);
        List<AttributeList> headers = new ArrayList<>();
        for (JsonNode instance : metadata) {
            try {
                headers.add(DicomJson.toAttributeList(instance));
            } catch (DicomException | RuntimeException e) {
                throw failure(operation, uri, "unreadable DICOM JSON for instance "
                        + DicomJson.string(instance, TagFromName.SOPInstanceUID) + ": " + e.getMessage(), e);
            }
        }
        return headers;
    }

    /** Each {@link StoreSession#store} is one STOW-RS request, so a refusal is tied to exactly one file. */
    @Override
    public StoreSession openStoreSession() {
        return new StowSession();
    }

    /** Releases the HTTP client's connections. */
    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "DicomWebNode[" + name + " " + baseUri + "]";
    }

    private final class StowSession implements StoreSession {
        private final URI uri = uri("/studies", Map.of());
        private volatile boolean closed;

        @Override
        public void store(Path part10File) {
            if (closed) {
                throw new IllegalStateException("store session of DICOMweb node '" + name + "' is closed");
            }
            String operation = "store " + part10File.getFileName();
            String boundary = "dicomstage-" + UUID.randomUUID();
            HttpRequest.BodyPublisher body;
            try {
                body = HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString(
                                "--" + boundary + "\r\nContent-Type: " + DICOM + "\r\n\r\n", StandardCharsets.US_ASCII),
                        HttpRequest.BodyPublishers.ofFile(part10File),
                        HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n", StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + part10File + ": " + e.getMessage(), e);
            }
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(readTimeout)
                    .header("Content-Type", "multipart/related; type=\"" + DICOM + "\"; boundary=" + boundary)
                    .header("Accept", DICOM_JSON)
                    .POST(body)
                    .build();
            withSlot(operation, uri, () -> {
                checkStowResponse(operation, uri, part10File, exchange(operation, request));
                return null;
            });
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /**
     * A STOW-RS answer lists stored instances in ReferencedSOPSequence and refused ones in FailedSOPSequence
     * (PS3.18 10.5.3). Peers differ in status codes (Orthanc answers 400 with empty sequences for a file it
     * cannot parse), so success is judged on the content: one request, one file, one stored instance.
     */
    private void checkStowResponse(String operation, URI uri, Path file, Answer response) {
        int status = response.status();
        JsonNode answer = null;
        byte[] body = response.body();
        if (body != null && body.length > 0) {
            try {
                answer = json.readTree(body);
            } catch (IOException e) {
                answer = null;
            }
        }
        if (answer != null && answer.isArray() && !answer.isEmpty()) {
            answer = answer.get(0);
        }
        if (answer != null && answer.isObject()) {
            List<JsonNode> failed = DicomJson.items(answer, FAILED_SOP_SEQUENCE);
            if (!failed.isEmpty()) {
                String reasons = failed.stream()
                        .map(item -> "SOP instance " + DicomJson.string(item, TagFromName.ReferencedSOPInstanceUID)
                                + " refused, failure reason " + failureReason(item))
                        .collect(Collectors.joining("; "));
                throw failure(operation, uri, "HTTP " + status + ": " + file + ": " + reasons, null);
            }
            if (status >= 200 && status < 300
                    && !DicomJson.items(answer, TagFromName.ReferencedSOPSequence).isEmpty()) {
                return;
            }
        }
        if (status >= 200 && status < 300) {
            throw failure(operation, uri, "HTTP " + status + " but " + file
                    + " is not among the stored instances: " + excerpt(body), null);
        }
        throw failure(operation, uri, "HTTP " + status + ": " + file
                + " was not stored (not a DICOM file the peer can read?): " + excerpt(body), null);
    }

    /** FailureReason is US; PS3.18 and PS3.7 list them in hex, so show it that way too. */
    private static String failureReason(JsonNode item) {
        int reason = DicomJson.integer(item, FAILURE_REASON, -1);
        return reason < 0 ? "(none given)" : String.format("%04XH", reason);
    }

    // ---- QIDO-RS

    /** All matches of a QIDO-RS query, page by page, so a peer's result limit does not silently truncate. */
    private List<JsonNode> query(String operation, String path, Map<String, String> parameters) {
        List<JsonNode> results = new ArrayList<>();
        for (int offset = 0; ; offset += QIDO_PAGE) {
            Map<String, String> page = new LinkedHashMap<>(parameters);
            page.put("limit", Integer.toString(QIDO_PAGE));
            page.put("offset", Integer.toString(offset));
            JsonNode answer = getJson(operation, uri(path, page));
            answer.forEach(results::add);
            if (answer.size() < QIDO_PAGE) {
                return results;
            }
        }
    }

    /** A DICOM JSON array; 204 No Content and an empty body are an empty array. */
    private JsonNode getJson(String operation, URI uri) {
        return withSlot(operation, uri, () -> {
            Answer response = exchange(operation, get(uri, DICOM_JSON));
            requireStatus(operation, uri, response.status(), response.body(), 200, 204);
            byte[] body = response.body();
            if (response.status() == 204 || body.length == 0) {
                return json.createArrayNode();
            }
            JsonNode answer;
            try {
                answer = json.readTree(body);
            } catch (IOException e) {
                throw failure(operation, uri, "answer is not JSON: " + excerpt(body), e);
            }
            if (!answer.isArray()) {
                throw failure(operation, uri, "answer is not a DICOM JSON array: " + excerpt(body), null);
            }
            return answer;
        });
    }

    private static String includes(AttributeTag... tags) {
        return Arrays.stream(tags).map(DicomJson::key).collect(Collectors.joining(","));
    }

    /** DICOM wildcard matching (PS3.4 C.2.2.2.4): '*' any run, '?' one character. */
    static Pattern wildcard(String pattern) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    // ---- HTTP plumbing

    private HttpRequest get(URI uri, String accept) {
        return HttpRequest.newBuilder(uri).timeout(readTimeout).header("Accept", accept).GET().build();
    }

    private record Answer(int status, byte[] body) {
    }

    /** A request whose whole answer is wanted in memory (queries, metadata, STOW results). */
    private Answer exchange(String operation, HttpRequest request) {
        HttpResponse<InputStream> response = send(operation, request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = new IdleTimeoutInputStream(response.body(), readTimeout)) {
            return new Answer(response.statusCode(), body.readAllBytes());
        } catch (IOException e) {
            throw failure(operation, request.uri(), "reading the answer failed: " + e, e);
        }
    }

    private <T> HttpResponse<T> send(String operation, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        for (int attempt = 1; ; attempt++) {
            try {
                return http.send(request, handler);
            } catch (HttpTimeoutException e) {
                throw failure(operation, request.uri(), "no answer within " + readTimeout.toMillis() + " ms: " + e, e);
            } catch (IOException e) {
                // Peers close idle keep-alive connections early (Orthanc after 1 s), and the client may pick one
                // just as it goes: one retry on a fresh connection. Repeating a query or a STOW is harmless.
                if (attempt >= 2) {
                    throw failure(operation, request.uri(), e.toString(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(operation, request.uri(), "interrupted", e);
            }
        }
    }

    private void requireStatus(String operation, URI uri, int status, byte[] body, int... accepted) {
        for (int ok : accepted) {
            if (status == ok) {
                return;
            }
        }
        throw failure(operation, uri, "HTTP " + status + (body == null || body.length == 0 ? "" : ": " + excerpt(body)),
                null);
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T withSlot(String operation, URI uri, Call<T> call) {
        try {
            requests.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(operation, uri, "interrupted while waiting for one of " + maxRequests + " request slots", e);
        }
        try {
            return call.run();
        } catch (IOException e) {
            throw failure(operation, uri, e.toString(), e);
        } finally {
            requests.release();
        }
    }

    private DicomNodeException failure(String operation, URI uri, String detail, Throwable cause) {
        return new DicomNodeException("DICOMweb node '" + name + "': " + operation + " (" + uri + ") failed: " + detail,
                cause);
    }

    private URI uri(String path, Map<String, String> parameters) {
        String query = parameters.entrySet().stream()
                .map(e -> requireQuerySafe(e.getKey()) + "=" + requireQuerySafe(e.getValue()))
                .collect(Collectors.joining("&"));
        return URI.create(baseUri + path + (query.isEmpty() ? "" : "?" + query));
    }

    /**
     * A matching value that can go into a query string unescaped. Orthanc 1.10 does not percent-decode QIDO
     * parameters, so an escaped value would never match; each character that would need escaping becomes a
     * wildcard instead ('?' for one ASCII character, '*' otherwise), and callers keep only exact matches.
     */
    static String queryable(String value) {
        StringBuilder result = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            result.append(isQuerySafe(c) ? c : c < 128 ? '?' : '*');
        }
        return result.toString();
    }

    /** RFC 3986 query characters, less the ones with a meaning in form encoding ('&', '=', '+'). */
    private static boolean isQuerySafe(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$'()*,;:@/?".indexOf(c) >= 0;
    }

    private static String requireQuerySafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isQuerySafe(s.charAt(i))) {
                throw new IllegalArgumentException("not safe in a query string: " + s);
            }
        }
        return s;
    }

    private static String seriesPath(String studyInstanceUID, String seriesInstanceUID) {
        return "/studies/" + uid(studyInstanceUID) + "/series/" + uid(seriesInstanceUID);
    }

    /** UIDs go into URL paths: refuse anything that is not one rather than escape it. */
    private static String uid(String uid) {
        if (uid == null || uid.length() > 64 || !UID.matcher(uid).matches()) {
            throw new IllegalArgumentException("not a DICOM UID: " + uid);
        }
        return uid;
    }

    private Path createTemporaryFile(String suffix) throws IOException {
        return temporaryDirectory == null
                ? Files.createTempFile("dicomweb-", suffix)
                : Files.createTempFile(temporaryDirectory, "dicomweb-", suffix);
    }

    private static byte[] readExcerpt(InputStream body) throws IOException {
        return body.readNBytes(ERROR_BODY_EXCERPT);
    }

    private static String excerpt(byte[] body) {
        if (body == null) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, ERROR_BODY_EXCERPT), StandardCharsets.UTF_8);
        return text.replaceAll("\\s+", " ").strip() + (body.length > ERROR_BODY_EXCERPT ? "..." : "");
    }

    private static Duration positiveOr(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }
}
