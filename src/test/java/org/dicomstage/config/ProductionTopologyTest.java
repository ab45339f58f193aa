package org.dicomstage.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.dicomstage.study.DemoStudyData;
import org.springframework.boot.autoconfigure.security.oauth2.client.OAuth2ClientProperties;
import org.springframework.boot.autoconfigure.security.oauth2.client.OAuth2ClientPropertiesMapper;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Static checks of the production topology (docker-compose.yml, Dockerfile, .env.example), without Docker: what
 * would otherwise show up only at {@code docker compose up}, or later, as a setting that silently binds to nothing.
 */
class ProductionTopologyTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    /** ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}; $${...} is a literal. */
    private static final Pattern VARIABLE =
            Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}");
    /** Read by StudySecrets through env:NAME references, not bound to properties. */
    private static final String STUDY_SECRET_PREFIX = "DICOMSTAGE_SECRET_";
    /** Spring applies relaxed environment-variable names only to a source of this name (or "*-" + it). */
    private static final String ENVIRONMENT = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
    /** Read by the JVM itself. */
    private static final Set<String> NOT_SPRING = Set.of("JAVA_TOOL_OPTIONS");

    private static String composeText;
    private static Map<String, Map<String, Object>> services;
    private static String appService;
    private static Map<String, String> appEnvironment;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        composeText = Files.readString(ROOT.resolve("docker-compose.yml"));
        Map<String, Object> compose = new Yaml().load(composeText);
        services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).as("services of docker-compose.yml").isNotEmpty();
        List<String> built = services.entrySet().stream().filter(e -> e.getValue().containsKey("build"))
                .map(Map.Entry::getKey).toList();
        assertThat(built).as("services built from the Dockerfile (the app)").hasSize(1);
        appService = built.getFirst();
        appEnvironment = environment(services.get(appService));
    }

    @Test
    void everyServiceHasAPinnedImageOrIsBuilt() {
        services.forEach((name, service) -> {
            if (service.containsKey("build")) {
                return;
            }
            String image = resolve(String.valueOf(service.get("image")));
            assertThat(image).as("image of service %s", name).doesNotContain("<required>");
            String tag = tagOf(image);
            assertThat(tag).as("tag of %s's image %s", name, image).isNotNull()
                    .isNotEqualToIgnoringCase("latest").containsPattern("\\d");
        });
    }

    @Test
    void everyServiceHasAHealthCheck() {
        services.forEach((name, service) ->
                assertThat(service).as("service %s", name).containsKey("healthcheck"));
    }

    @Test
    void publishedPortsDoNotCollide() {
        Map<String, String> owners = new HashMap<>();
        services.forEach((name, service) -> {
            for (Object port : (List<?>) service.getOrDefault("ports", List.of())) {
                String published = publishedPort(port);
                String previous = owners.put(published, name);
                assertThat(previous).as("host port %s published by %s and %s", published, previous, name).isNull();
            }
        });
        assertThat(owners).as("published ports").isNotEmpty();
    }

    @Test
    void everyVariableHasADefaultOrIsDocumentedInEnvExample() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher line = Pattern.compile("(?m)^#?\\s*([A-Z][A-Z0-9_]*)=").matcher(
                Files.readString(ROOT.resolve(".env.example")));
        while (line.find()) {
            documented.add(line.group(1));
        }
        Set<String> undocumented = new TreeSet<>();
        Matcher variable = VARIABLE.matcher(composeText);
        while (variable.find()) {
            String operator = variable.group(2);
            boolean hasDefault = operator != null && operator.endsWith("-");
            if (!hasDefault && !documented.contains(variable.group(1))) {
                undocumented.add(variable.group(1));
            }
        }
        assertThat(undocumented).as("variables without a default that .env.example does not list").isEmpty();
        assertThat(ROOT.resolve(".gitignore")).content().containsPattern("(?m)^/?\\.env$");
    }

    @Test
    void theAppDependsOnEveryServiceItsConfigurationNames() {
        Map<String, String> needed = new LinkedHashMap<>();
        needed.put("CAMUNDA_CLIENT_GRPCADDRESS", host(required("CAMUNDA_CLIENT_GRPCADDRESS")));
        needed.put("CAMUNDA_CLIENT_RESTADDRESS", host(required("CAMUNDA_CLIENT_RESTADDRESS")));
        needed.put("SPRING_DATASOURCE_URL", host(required("SPRING_DATASOURCE_URL").substring("jdbc:".length())));
        needed.put("CAMUNDA_CLIENT_AUTH_TOKENURL", host(required("CAMUNDA_CLIENT_AUTH_TOKENURL")));
        appEnvironment.forEach((name, value) -> {
            if (name.matches("DICOMSTAGE_NODES_[A-Z0-9]+_HOST")) {
                needed.put(name, value);
            } else if (name.matches("DICOMSTAGE_NODES_[A-Z0-9]+_BASEURL")) {
                needed.put(name, host(value));
            }
        });
        assertThat(needed.keySet().stream().filter(n -> n.startsWith("DICOMSTAGE_NODES_")))
                .as("archives the app reaches: Study0 and the project archive").hasSizeGreaterThanOrEqualTo(2);

        Map<String, String> dependsOn = dependsOn(services.get(appService));
        needed.forEach((variable, host) -> {
            assertThat(services).as("service %s named by %s", host, variable).containsKey(host);
            assertThat(dependsOn).as("%s depends_on %s (named by %s)", appService, host, variable)
                    .containsEntry(host, "service_healthy");
        });
        assertThat(new LinkedHashSet<>(needed.values()))
                .as("distinct services: cluster, database, identity provider, two archives")
                .hasSizeGreaterThanOrEqualTo(5);
    }

    /** Orthanc answers C-FIND, C-GET and C-MOVE only to peers it lists (and sends C-MOVE results to them). */
    @Test
    void eachDimseArchiveKnowsTheAppsAeTitle() {
        appEnvironment.forEach((name, value) -> {
            Matcher node = Pattern.compile("DICOMSTAGE_NODES_([A-Z0-9]+)_KIND").matcher(name);
            if (!node.matches() || !value.equals("DIMSE")) {
                return;
            }
            String prefix = "DICOMSTAGE_NODES_" + node.group(1) + "_";
            Map<String, String> orthanc = environment(services.get(required(prefix + "HOST")));
            assertThat(orthanc.get("ORTHANC__DICOM_AET")).as("AE title of %s", appEnvironment.get(prefix + "HOST"))
                    .isEqualTo(required(prefix + "AETITLE"));
            String callingAeTitle = appEnvironment.getOrDefault(prefix + "CALLINGAETITLE", "DICOMSTAGE");
            assertThat(orthanc.get("ORTHANC__DICOM_MODALITIES")).as("modalities of %s", prefix)
                    .contains("\"AET\": \"" + callingAeTitle + "\"");
        });
    }

    /** Send back, Abort and Cancel delete the held copy: DIMSE cannot, a DICOMweb node needs Orthanc's REST root. */
    @Test
    void theHoldingNodeCanDeleteSeries() {
        assertThat(appEnvironment.get("DICOMSTAGE_NODES_HOLDING_KIND")).isIn("DICOMWEB", "EMBEDDED");
        if ("DICOMWEB".equals(appEnvironment.get("DICOMSTAGE_NODES_HOLDING_KIND"))) {
            String rest = required("DICOMSTAGE_NODES_HOLDING_ORTHANCRESTURL");
            assertThat(required("DICOMSTAGE_NODES_HOLDING_BASEURL")).startsWith(rest + "/");
            assertThat(environment(services.get(host(rest)))).containsKey("ORTHANC__DICOM_AET");
        }
        assertThat(appEnvironment.get("DICOMSTAGE_NODES_HOLDING_BASEURL"))
                .isNotEqualTo(appEnvironment.get("DICOMSTAGE_NODES_PROJECT_BASEURL"));
    }

    @Test
    void theAppsEnvironmentBindsToRealProperties() throws IOException {
        KnownProperties known = KnownProperties.load();
        List<String> unbound = new ArrayList<>();
        appEnvironment.forEach((name, value) -> {
            if (name.startsWith(STUDY_SECRET_PREFIX) || NOT_SPRING.contains(name)) {
                return;
            }
            if (!known.binds(name, value)) {
                unbound.add(name);
            }
        });
        assertThat(unbound).as("environment variables of %s that bind to no property in application*.yml, a"
                + " @ConfigurationProperties class or Spring/Camunda configuration metadata", appService).isEmpty();
        assertThat(appEnvironment).containsKeys("SPRING_DATASOURCE_URL", "CAMUNDA_CLIENT_GRPCADDRESS",
                "CAMUNDA_CLIENT_RESTADDRESS");
        assertThat(appEnvironment.keySet()).anyMatch(n -> n.startsWith(STUDY_SECRET_PREFIX));
    }

    @Test
    void postgresProfileIsActiveAndItsRequiredSettingsAreSet() {
        assertThat(appEnvironment.get("SPRING_PROFILES_ACTIVE")).contains(RequiredSettings.POSTGRES_PROFILE);
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(ENVIRONMENT,
                new HashMap<>(appEnvironment)));
        environment.setActiveProfiles(appEnvironment.get("SPRING_PROFILES_ACTIVE").split(","));
        assertThat(RequiredSettings.missingIn(environment)).isEmpty();
    }

    /**
     * The image is the current 8.8 patch, at least the client's (pom.xml), in the client's minor: the REST and gRPC
     * APIs are compatible within a minor, and withFullValues (truncateValues=false) exists only from 8.8.5.
     */
    @Test
    void theOrchestrationClusterIsPinnedToTheClientsMinorAndNotOlder() throws IOException {
        String image = resolve(String.valueOf(services.get(ORCHESTRATION).get("image")));
        assertThat(image).startsWith("camunda/camunda:");
        int[] cluster = version(tagOf(image));
        Matcher client = Pattern.compile("<camunda\\.version>([^<]+)</camunda\\.version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(client.find()).as("camunda.version in pom.xml").isTrue();
        int[] clientVersion = version(client.group(1));
        assertThat(new int[] {cluster[0], cluster[1]}).as("minor of %s and client %s", image, client.group(1))
                .containsExactly(clientVersion[0], clientVersion[1]);
        assertThat(cluster[2]).as("patch of %s, at least the client's and 8.8.5", image)
                .isGreaterThanOrEqualTo(Math.max(clientVersion[2], 5));
    }

    @Test
    void engineStateAndTheSecondaryStoreSurviveARestartOnOneHost() {
        assertThat(volumeTargets(ORCHESTRATION)).as("volumes of %s", ORCHESTRATION)
                .contains("/usr/local/camunda/data");
        Map<String, String> cluster = environment(services.get(ORCHESTRATION));
        assertThat(cluster).containsEntry("CAMUNDA_DATABASE_INDEX_NUMBEROFREPLICAS", "0")
                .containsEntry("CAMUNDA_DATA_SECONDARYSTORAGE_TYPE", "elasticsearch");
        String store = host(cluster.get("CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_URL"));
        Map<String, String> elasticsearch = environment(services.get(store));
        assertThat(elasticsearch).containsEntry("discovery.type", "single-node")
                .containsEntry("cluster.routing.allocation.disk.threshold_enabled", "false");
        assertThat(volumeTargets(store)).contains("/usr/share/elasticsearch/data");
        assertThat(dependsOn(services.get(ORCHESTRATION))).containsEntry(store, "service_healthy");
    }

    /**
     * Each study is walled off in the cluster: tenant checks and authorizations on (checks need the protected API),
     * the app running with a tenant per study, and its client in the cluster's admin role, which it needs to manage
     * tenants, their members and authorizations.
     */
    @Test
    void eachStudyIsATenantTheClusterChecks() {
        Map<String, String> cluster = environment(services.get(ORCHESTRATION));
        assertThat(cluster).containsEntry("CAMUNDA_SECURITY_MULTITENANCY_CHECKSENABLED", "true")
                .containsEntry("CAMUNDA_SECURITY_AUTHORIZATIONS_ENABLED", "true")
                .containsEntry("CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI", "false");
        assertThat(appEnvironment.getOrDefault("DICOMSTAGE_TENANTS_ENABLED", "true")).isEqualTo("true");
        assertThat(cluster.entrySet().stream().filter(e -> e.getKey().startsWith(
                "CAMUNDA_SECURITY_INITIALIZATION_DEFAULTROLES_ADMIN_CLIENTS_")).map(Map.Entry::getValue))
                .contains(required("CAMUNDA_CLIENT_AUTH_CLIENTID"));
    }

    /**
     * People sign in through Keycloak (the app and the cluster alike) and the app calls the cluster with a token of
     * its own Keycloak client: the realm the stack imports has both clients, with the secrets, redirect URIs and
     * audience the two services are configured with, and every account of the app by the same user name.
     */
    @Test
    void keycloakKnowsTheAppTheClusterAndEveryAccountByName() throws IOException {
        Map<String, String> keycloak = environment(services.get(KEYCLOAK));
        JsonNode realm = new ObjectMapper().readTree(ROOT.resolve("keycloak/dicomstage-realm.json").toFile());
        assertThat(volumeSources(KEYCLOAK)).contains("./keycloak/dicomstage-realm.json");
        assertThat(String.valueOf(services.get(KEYCLOAK).get("command"))).contains("--import-realm");

        Map<String, JsonNode> clients = new HashMap<>();
        realm.path("clients").forEach(c -> clients.put(c.path("clientId").asText(), c));
        Map<String, String> cluster = environment(services.get(ORCHESTRATION));
        JsonNode app = clients.get(appEnvironment.get("SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_KEYCLOAK_CLIENTID"));
        assertThat(app).as("the app's sign-in client in the realm").isNotNull();
        assertThat(appEnvironment.get("CAMUNDA_CLIENT_AUTH_CLIENTID")).isEqualTo(app.path("clientId").asText());
        assertThat(app.path("serviceAccountsEnabled").asBoolean()).as("client credentials").isTrue();
        assertThat(app.path("redirectUris").toString()).contains("/login/oauth2/code/keycloak");
        JsonNode orchestration = clients.get(cluster.get("CAMUNDA_SECURITY_AUTHENTICATION_OIDC_CLIENTID"));
        assertThat(orchestration).as("the cluster's client in the realm").isNotNull();
        assertThat(orchestration.path("redirectUris").toString()).contains("/sso-callback");

        // Secrets: one value in .env, handed to both sides.
        assertThat(secretVariable(app.path("secret").asText()))
                .isEqualTo(secretVariable(rawEnvironment(appService).get("CAMUNDA_CLIENT_AUTH_CLIENTSECRET")))
                .isEqualTo(secretVariable(rawEnvironment(appService)
                        .get("SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_KEYCLOAK_CLIENTSECRET")));
        assertThat(secretVariable(orchestration.path("secret").asText())).isEqualTo(secretVariable(
                rawEnvironment(ORCHESTRATION).get("CAMUNDA_SECURITY_AUTHENTICATION_OIDC_CLIENTSECRET")));
        for (JsonNode client : List.of(app, orchestration)) {
            Matcher placeholder = VARIABLE.matcher(client.toString());
            while (placeholder.find()) {
                assertThat(keycloak).as("keycloak's environment for ${%s} in the realm", placeholder.group(1))
                        .containsKey(placeholder.group(1));
            }
        }

        // The token the app gets carries the audience the cluster accepts.
        String audience = required("CAMUNDA_CLIENT_AUTH_AUDIENCE");
        assertThat(cluster.entrySet().stream().filter(e -> e.getKey().startsWith(
                "CAMUNDA_SECURITY_AUTHENTICATION_OIDC_AUDIENCES_")).map(Map.Entry::getValue)).contains(audience);
        assertThat(app.path("protocolMappers").toString()).contains(audience);
        assertThat(cluster).containsEntry("CAMUNDA_SECURITY_AUTHENTICATION_OIDC_USERNAMECLAIM", "preferred_username");
        assertThat(appEnvironment).containsEntry("SPRING_SECURITY_OAUTH2_CLIENT_PROVIDER_KEYCLOAK_USERNAMEATTRIBUTE",
                "preferred_username");
        for (String backChannel : List.of(required("CAMUNDA_CLIENT_AUTH_TOKENURL"),
                required("SPRING_SECURITY_OAUTH2_CLIENT_PROVIDER_KEYCLOAK_TOKENURI"),
                cluster.get("CAMUNDA_SECURITY_AUTHENTICATION_OIDC_TOKENURI"),
                cluster.get("CAMUNDA_SECURITY_AUTHENTICATION_OIDC_JWKSETURI"))) {
            assertThat(host(backChannel)).as("back channel %s", backChannel).isEqualTo(KEYCLOAK);
            assertThat(backChannel).contains("/realms/" + realm.path("realm").asText() + "/");
        }
        assertThat(dependsOn(services.get(appService))).containsEntry(KEYCLOAK, "service_healthy");
        assertThat(dependsOn(services.get(ORCHESTRATION))).containsEntry(KEYCLOAK, "service_healthy");

        List<String> users = new ArrayList<>();
        realm.path("users").forEach(u -> users.add(u.path("username").asText()));
        assertThat(users).as("Keycloak users: the app's accounts by the same names")
                .contains(DemoStudyData.RESEARCHER, DemoStudyData.COORDINATOR, DemoStudyData.ADMIN);
    }

    /**
     * "Sign out" in the app ends the Keycloak session too (OidcLoginBrowserIT shows it against a real provider): the
     * end-session endpoint is the browser's address of the realm, as the authorization endpoint is, and the realm
     * lets the app's client return to its signed-out page.
     */
    @Test
    void signingOutOfTheAppSignsOutOfKeycloak() throws IOException {
        String authorization = required("SPRING_SECURITY_OAUTH2_CLIENT_PROVIDER_KEYCLOAK_AUTHORIZATIONURI");
        assertThat(authorization).endsWith("/protocol/openid-connect/auth");
        assertThat(required("DICOMSTAGE_SECURITY_ENDSESSIONURI"))
                .isEqualTo(authorization.substring(0, authorization.length() - "auth".length()) + "logout");
        JsonNode realm = new ObjectMapper().readTree(ROOT.resolve("keycloak/dicomstage-realm.json").toFile());
        String client = appEnvironment.get("SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_KEYCLOAK_CLIENTID");
        List<String> returns = new ArrayList<>();
        realm.path("clients").forEach(c -> {
            if (c.path("clientId").asText().equals(client)) {
                returns.add(c.path("attributes").path("post.logout.redirect.uris").asText());
            }
        });
        assertThat(returns).containsExactly("${DICOMSTAGE_URL}/login?logout");
    }

    /** The app starts on PostgreSQL only with OIDC (demo logins refuse a non-H2 database) and its settings resolve. */
    @Test
    void theAppSignsInThroughOidcAndItsRegistrationResolves() {
        assertThat(appEnvironment).containsEntry("DICOMSTAGE_SECURITY_MODE", "oidc");
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(ENVIRONMENT,
                new HashMap<>(appEnvironment)));
        OAuth2ClientProperties oauth = Binder.get(environment)
                .bind("spring.security.oauth2.client", OAuth2ClientProperties.class).get();
        oauth.validate();
        List<ClientRegistration> registrations = new ArrayList<>(
                new OAuth2ClientPropertiesMapper(oauth).asClientRegistrations().values());
        assertThat(registrations).singleElement().satisfies(r -> {
            assertThat(r.getAuthorizationGrantType().getValue()).isEqualTo("authorization_code");
            assertThat(r.getScopes()).contains("openid");
            assertThat(r.getProviderDetails().getJwkSetUri()).isNotBlank();
            assertThat(r.getProviderDetails().getUserInfoEndpoint().getUserNameAttributeName())
                    .isEqualTo("preferred_username");
        });
        assertThat(environment.getProperty("camunda.client.auth.method")).isEqualTo("oidc");
    }

    @Test
    void dockerfileIsDebianAndInstallsPixelmed() throws IOException {
        List<String> instructions = dockerInstructions(Files.readString(ROOT.resolve("Dockerfile")));
        List<List<String>> stages = new ArrayList<>();
        for (String instruction : instructions) {
            if (instruction.startsWith("FROM ")) {
                stages.add(new ArrayList<>());
                String image = instruction.split("\\s+")[1];
                assertThat(image).as("base image").startsWith("debian:");
                assertThat(tagOf(image)).as("tag of %s", image).isNotEqualTo("latest").containsPattern("\\d");
            }
            if (!stages.isEmpty()) {
                stages.getLast().add(instruction);
            }
        }
        assertThat(stages).as("stages").isNotEmpty();
        for (List<String> stage : stages) {
            String runs = String.join("\n", stage.stream().filter(i -> i.startsWith("RUN ")).toList());
            if (runs.contains("mvn ")) {
                assertThat(runs).as("the build stage installs PixelMed before Maven needs it")
                        .containsPattern("apt-get install[^\\n]*libpixelmed-java");
            }
        }
        String runtime = String.join("\n", stages.getLast());
        assertThat(runtime).as("runtime stage")
                .containsPattern("apt-get install[^\\n]*libpixelmed-java")
                .containsPattern("openjdk-(2[1-9]|[3-9]\\d)-(jre|jdk)")
                .contains("ENTRYPOINT");
    }

    /** The image build must see what the Maven build reads, or it builds a jar without forms or web bundles. */
    @Test
    void dockerBuildCopiesWhatTheMavenBuildReads() throws IOException {
        String dockerfile = String.join("\n", dockerInstructions(Files.readString(ROOT.resolve("Dockerfile"))));
        String ignored = Files.readString(ROOT.resolve(".dockerignore"));
        for (String directory : List.of("src", "bpmn", "forms", "frontend")) {
            if (Files.isDirectory(ROOT.resolve(directory))) {
                assertThat(dockerfile).as("Dockerfile copies %s/", directory)
                        .containsPattern("(?m)^COPY " + directory + "/? ");
                assertThat(ignored).as(".dockerignore keeps %s/", directory)
                        .doesNotContainPattern("(?m)^/?" + directory + "/?$");
            }
        }
        if (Files.exists(ROOT.resolve("frontend/package.json"))) {
            assertThat(dockerfile).as("the build stage installs npm for the web bundles")
                    .containsPattern("apt-get install[^\\n]*\\bnpm\\b");
        }
    }

    @Test
    void productionJarHoldsNoTestEngine() throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(ROOT.resolve("target")).filter(p -> p.getFileName().toString()
                .matches("dicom-stage-.*\\.jar"))) {
            jar = files.findFirst().orElse(null);
        } catch (java.nio.file.NoSuchFileException e) {
            jar = null;
        }
        Assumptions.assumeTrue(jar != null, "no production jar in target/ (mvn package builds it); not checked");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> libraries = zip.stream().map(e -> e.getName()).filter(n -> n.startsWith("BOOT-INF/lib/"))
                    .toList();
            Assumptions.assumeFalse(libraries.isEmpty(), jar + " is not repackaged by Spring Boot; not checked");
            assertThat(libraries).as("libraries in " + jar)
                    .noneMatch(n -> n.contains("zeebe-process-test") || n.contains("zeebe-workflow-engine"))
                    .anyMatch(n -> n.contains("camunda-client-java"))
                    .anyMatch(n -> n.contains("pixelmed"));
        }
    }

    // ---- helpers ----

    private static final String ORCHESTRATION = "orchestration";
    private static final String KEYCLOAK = "keycloak";

    private static int[] version(String text) {
        Matcher m = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)").matcher(text);
        assertThat(m.find()).as("version in %s", text).isTrue();
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    }

    private static List<String> volumeTargets(String service) {
        return volumes(service).stream().map(v -> v.split(":")[1]).toList();
    }

    private static List<String> volumeSources(String service) {
        return volumes(service).stream().map(v -> v.split(":")[0]).toList();
    }

    private static List<String> volumes(String service) {
        return ((List<?>) services.get(service).getOrDefault("volumes", List.of())).stream().map(String::valueOf)
                .toList();
    }

    /** The environment as written, variables not resolved. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> rawEnvironment(String service) {
        Map<String, String> environment = new LinkedHashMap<>();
        ((Map<String, Object>) services.get(service).get("environment"))
                .forEach((k, v) -> environment.put(k, String.valueOf(v)));
        return environment;
    }

    /** NAME of a value that is exactly ${NAME...}. */
    private static String secretVariable(String value) {
        Matcher m = VARIABLE.matcher(String.valueOf(value));
        assertThat(m.matches()).as("%s is one variable", value).isTrue();
        return m.group(1);
    }

    private static String required(String variable) {
        String value = appEnvironment.get(variable);
        assertThat(value).as("%s in the environment of %s", variable, appService).isNotBlank();
        return value;
    }

    private static String host(String url) {
        String host = URI.create(url).getHost();
        assertThat(host).as("host of %s", url).isNotBlank();
        return host;
    }

    /** The image's tag, or its digest; null when neither is given. */
    private static String tagOf(String image) {
        int at = image.indexOf('@');
        if (at >= 0) {
            return image.substring(at + 1);
        }
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : null;
    }

    /** Replaces variables by their defaults, or by "<required>" where there is none. */
    private static String resolve(String text) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String operator = matcher.group(2);
            String value = operator != null && operator.endsWith("-") ? matcher.group(3) : "<required>";
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }

    /** host_ip:published/protocol of a port in short ("[ip:]host:container[/proto]") or long syntax. */
    private static String publishedPort(Object port) {
        if (port instanceof Map<?, ?> map) {
            Object protocol = map.get("protocol");
            return resolve(String.valueOf(map.get("published"))) + "/" + (protocol == null ? "tcp" : protocol);
        }
        String spec = resolve(String.valueOf(port));
        String protocol = spec.contains("/") ? spec.substring(spec.indexOf('/') + 1) : "tcp";
        String[] parts = spec.replaceFirst("/.*", "").split(":");
        assertThat(parts.length).as("port %s publishes a host port", port).isGreaterThanOrEqualTo(2);
        // Host ports collide whatever address they are bound to when one of them is bound to all.
        return parts[parts.length - 2] + "/" + protocol;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object declared = service.get("environment");
        if (declared instanceof Map<?, ?> map) {
            map.forEach((k, v) -> environment.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (declared instanceof List<?> list) {
            for (Object entry : list) {
                String[] kv = String.valueOf(entry).split("=", 2);
                environment.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        environment.replaceAll((k, v) -> resolve(v));
        return environment;
    }

    /** depends_on as service → condition (the short list form means service_started). */
    private static Map<String, String> dependsOn(Map<String, Object> service) {
        Map<String, String> result = new LinkedHashMap<>();
        Object declared = service.get("depends_on");
        if (declared instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.put(String.valueOf(k), v instanceof Map<?, ?> m
                    ? String.valueOf(m.get("condition")) : "service_started"));
        } else if (declared instanceof List<?> list) {
            list.forEach(s -> result.put(String.valueOf(s), "service_started"));
        }
        return result;
    }

    /** Instructions with line continuations joined and comments dropped. */
    private static List<String> dockerInstructions(String dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            boolean continued = trimmed.endsWith("\\");
            current.append(continued ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continued) {
                instructions.add(current.toString().strip().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
        return instructions;
    }

    /**
     * Property names the application can bind: leaves (exact names), map and list properties (any name below
     * them), and names with a map key ({@code *}). From Spring's configuration metadata on the classpath (Spring
     * Boot, the Camunda starter), application*.yml, and this project's {@code @ConfigurationProperties} classes.
     */
    record KnownProperties(Set<String> leaves, Set<String> containers, Set<String> keyed) {

        static KnownProperties load() throws IOException {
            KnownProperties known = new KnownProperties(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
            known.addMetadata();
            known.addApplicationYaml();
            ConfigurationPropertiesCatalog.addTo(known);
            return known;
        }

        /** Whether the variable, given to Spring as an environment variable, answers one of these names. */
        boolean binds(String variable, String value) {
            ConfigurationPropertySource source = ConfigurationPropertySource.from(
                    new SystemEnvironmentPropertySource(ENVIRONMENT, Map.of(variable, value)));
            for (String leaf : leaves) {
                if (source.getConfigurationProperty(ConfigurationPropertyName.of(leaf)) != null) {
                    return true;
                }
            }
            // A list also binds from one comma-separated value (SPRING_PROFILES_ACTIVE=a,b), a map only from below.
            for (String container : containers) {
                ConfigurationPropertyName name = ConfigurationPropertyName.of(container);
                if (source.getConfigurationProperty(name) != null
                        || source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
                    return true;
                }
            }
            // A map key is one element of the name: try each word of the variable in the key's place.
            for (String pattern : keyed) {
                for (String word : variable.toLowerCase().split("_")) {
                    if (!word.isEmpty() && source.getConfigurationProperty(
                            ConfigurationPropertyName.of(pattern.replace("*", word))) != null) {
                        return true;
                    }
                }
            }
            return false;
        }

        void add(String name, boolean container) {
            if (!ConfigurationPropertyName.isValid(name.replace("*", "x"))) {
                return; // e.g. metadata of properties with unusual names; none of ours
            }
            if (name.contains("*")) {
                keyed.add(name);
            } else if (container) {
                containers.add(name);
            } else {
                leaves.add(name);
            }
        }

        private void addMetadata() throws IOException {
            ObjectMapper json = new ObjectMapper();
            for (String resource : List.of("META-INF/spring-configuration-metadata.json",
                    "META-INF/additional-spring-configuration-metadata.json")) {
                Enumeration<URL> urls = ProductionTopologyTest.class.getClassLoader().getResources(resource);
                for (URL url : Collections.list(urls)) {
                    try (InputStream in = url.openStream()) {
                        for (JsonNode property : json.readTree(in).path("properties")) {
                            String type = property.path("type").asText("");
                            add(property.path("name").asText(), type.startsWith("java.util.Map")
                                    || type.startsWith("java.util.List") || type.startsWith("java.util.Set")
                                    || type.endsWith("[]"));
                        }
                    }
                }
            }
        }

        private void addApplicationYaml() throws IOException {
            try (Stream<Path> files = Files.list(ROOT.resolve("src/main/resources"))) {
                for (Path file : files.filter(p -> p.getFileName().toString().matches("application.*\\.ya?ml"))
                        .toList()) {
                    try (Reader reader = Files.newBufferedReader(file)) {
                        for (Object document : new Yaml().loadAll(reader)) {
                            flatten("", document);
                        }
                    }
                }
            }
        }

        private void flatten(String prefix, Object node) {
            if (node instanceof Map<?, ?> map) {
                map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v));
            } else if (!prefix.isEmpty()) {
                add(prefix, node instanceof List);
            }
        }
    }
}
