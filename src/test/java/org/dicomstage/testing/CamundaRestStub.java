package org.dicomstage.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.camunda.client.CamundaClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A stand-in for the orchestration cluster's REST API (/v2) that checks both directions against Camunda's own 8.8
 * OpenAPI spec ({@code src/test/resources/camunda/rest-api-8.8.yaml}): each request the real Camunda client sends
 * is validated before it is answered, and each canned answer is validated before it is sent back, so the
 * application's parsing is only ever tested on answers the real cluster may give. Whatever deviates is collected
 * in {@link #violations()}; a request no canned answer matches is a violation too (the test did not expect it).
 */
public final class CamundaRestStub implements AutoCloseable {

    public static final String SPEC = "camunda/rest-api-8.8.yaml";
    private static final String BASE = "/v2";
    /** Parsing the 430 kB spec takes a few seconds; every stub of the JVM shares one validator. */
    private static volatile OpenApiInteractionValidator shared;

    private final OpenApiInteractionValidator validator;
    private final HttpServer server;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<Answered> answered = new CopyOnWriteArrayList<>();

    public CamundaRestStub() {
        this.validator = validator();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    private static OpenApiInteractionValidator validator() {
        if (shared == null) {
            synchronized (CamundaRestStub.class) {
                if (shared == null) {
                    shared = OpenApiInteractionValidator
                            .createForInlineApiSpecification(CamundaSpec.normalized(SPEC))
                            .withBasePathOverride(BASE)
                            .build();
                }
            }
        }
        return shared;
    }

    /** http://127.0.0.1:port, the client's REST address (the client appends /v2). */
    public URI address() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    /**
     * A real Camunda client with its default transport preference (REST over gRPC) pointed at this stub. Its gRPC
     * address is a closed port, so a command that silently fell back to gRPC fails instead of passing unseen.
     */
    public CamundaClient client() {
        return CamundaClient.newClientBuilder()
                .applyEnvironmentVariableOverrides(false)
                .restAddress(address())
                .grpcAddress(URI.create("http://127.0.0.1:1"))
                .preferRestOverGrpc(true)
                .defaultRequestTimeout(Duration.ofSeconds(10))
                .build();
    }

    /**
     * Answers requests of {@code method} whose path below /v2 matches {@code pathRegex} with these bodies in turn
     * (the last one again once they are used up). A null body is an empty answer (204 and the like).
     */
    public CamundaRestStub on(String method, String pathRegex, int status, String... bodies) {
        return answer(method, pathRegex, status, "application/json", bodies);
    }

    /** As {@link #on(String, String, int, String...)}, with answers of another content type (text/xml). */
    public CamundaRestStub answer(String method, String pathRegex, int status, String contentType,
                                  String... bodies) {
        List<String> answers = new ArrayList<>();
        if (bodies.length == 0) {
            answers.add(null);
        } else {
            answers.addAll(List.of(bodies));
        }
        routes.add(new Route(method, Pattern.compile(pathRegex), status, contentType, answers,
                new java.util.concurrent.atomic.AtomicInteger()));
        return this;
    }

    /** Forgets every canned answer: the cluster's state has moved on, and the test sets the new answers. */
    public CamundaRestStub clearAnswers() {
        routes.clear();
        return this;
    }

    public List<Exchange> exchanges() {
        return Collections.unmodifiableList(exchanges);
    }

    public List<Exchange> exchanges(String method, String pathRegex) {
        Pattern pattern = Pattern.compile(pathRegex);
        return exchanges.stream().filter(e -> e.method().equals(method) && pattern.matcher(e.path()).matches())
                .toList();
    }

    /** The bodies this stub answered requests of {@code method} to {@code pathRegex} with, in order (null: none). */
    public List<String> answers(String method, String pathRegex) {
        Pattern pattern = Pattern.compile(pathRegex);
        return answered.stream().filter(a -> a.exchange().method().equals(method)
                && pattern.matcher(a.exchange().path()).matches()).map(Answered::body).toList();
    }

    /** Every deviation from the spec seen so far, request or answer, one line each. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            String method = http.getRequestMethod();
            String fullPath = http.getRequestURI().getRawPath();
            String path = fullPath.startsWith(BASE) ? fullPath.substring(BASE.length()) : fullPath;
            byte[] body = http.getRequestBody().readAllBytes();
            String contentType = http.getRequestHeaders().getFirst("Content-Type");
            String query = http.getRequestURI().getRawQuery();
            Exchange exchange = new Exchange(method, path, query == null ? "" : query,
                    new String(body, StandardCharsets.UTF_8), contentType);
            exchanges.add(exchange);

            SimpleRequest.Builder request = new SimpleRequest.Builder(method, fullPath);
            http.getRequestHeaders().forEach((name, values) -> request.withHeader(name, values));
            if (body.length > 0) {
                request.withBody(body);
            }
            if (query != null) {
                for (String pair : query.split("&")) {
                    String[] kv = pair.split("=", 2);
                    request.withQueryParam(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
                }
            }
            report("request " + method + " " + fullPath, validator.validateRequest(request.build()));

            Route route = routes.stream().filter(r -> r.matches(method, path)).findFirst().orElse(null);
            if (route == null) {
                violations.add("unexpected request " + method + " " + fullPath + " " + exchange.body());
                http.sendResponseHeaders(501, -1);
                return;
            }
            String answer = route.next();
            answered.add(new Answered(exchange, answer));
            SimpleResponse.Builder response = SimpleResponse.Builder.status(route.status());
            if (answer != null) {
                response.withContentType(route.contentType()).withBody(answer);
            }
            report("response to " + method + " " + fullPath,
                    validator.validateResponse(fullPath, Request.Method.valueOf(method), response.build()));
            if (answer == null) {
                http.sendResponseHeaders(route.status(), -1);
            } else {
                byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                http.getResponseHeaders().add("Content-Type", route.contentType());
                http.sendResponseHeaders(route.status(), bytes.length);
                http.getResponseBody().write(bytes);
            }
        } catch (RuntimeException e) {
            violations.add("stub failed: " + e);
            throw e;
        }
    }

    private void report(String what, ValidationReport report) {
        if (report.hasErrors()) {
            List<String> messages = new ArrayList<>();
            report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                    .forEach(m -> messages.add(m.getKey() + ": " + m.getMessage()
                            + (m.getNestedMessages().isEmpty() ? "" : " " + m.getNestedMessages().stream()
                            .map(n -> n.getMessage()).toList())
                            + (m.getAdditionalInfo().isEmpty() ? "" : " " + m.getAdditionalInfo())));
            violations.add(what + ": " + String.join("; ", messages));
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** One request as the stub received it; {@code path} is below /v2. */
    public record Exchange(String method, String path, String query, String body, String contentType) {
    }

    private record Answered(Exchange exchange, String body) {
    }

    private record Route(String method, Pattern path, int status, String contentType, List<String> bodies,
                         java.util.concurrent.atomic.AtomicInteger served) {

        boolean matches(String method, String path) {
            return this.method.equals(method) && this.path.matcher(path).matches();
        }

        String next() {
            int i = served.getAndIncrement();
            return bodies.get(Math.min(i, bodies.size() - 1));
        }
    }
}
