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
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
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
        assertThat(new LinkedHashSet<>(needed.values())).as("distinct services: cluster, database, two archives")
                .hasSizeGreaterThanOrEqualTo(4);
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
