package org.dicomstage.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Camunda's OpenAPI spec as the server reads it. The spec builds schemas by {@code allOf} of references, e.g. a
 * search query is {@code allOf: [SearchQueryRequest]} (which holds {@code page}) plus its own properties and
 * {@code additionalProperties: false}, and a key is {@code type: string, allOf: [LongKey]}. Camunda's generated
 * server and clients merge such an {@code allOf} into the schema; a JSON Schema validator taken literally does not
 * (it rejects {@code page} as an extra property, and guesses the type of a path parameter "7" as integer). So the
 * component schemas whose {@code allOf} is only references get those references' properties, required names and
 * constraints merged in, in memory. Likewise a filter property is {@code type: object} with {@code oneOf: [string,
 * object]}, which only the {@code oneOf} decides, and a {@code discriminator} is a hint for code generators that the
 * validator cannot load where the spec uses it; both are read that way here. The vendored file stays as Camunda
 * published it.
 */
final class CamundaSpec {

    private static final Set<String> CONSTRAINTS = Set.of("type", "format", "pattern", "minLength", "maxLength",
            "minimum", "maximum", "enum", "items", "nullable");
    private static final String PREFIX = "#/components/schemas/";

    private CamundaSpec() {
    }

    @SuppressWarnings("unchecked")
    static String normalized(String resource) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(16 * 1024 * 1024);
        Map<String, Object> spec;
        try (InputStream in = CamundaSpec.class.getClassLoader().getResourceAsStream(resource)) {
            spec = new Yaml(options).load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) spec.get("components"))
                .get("schemas");
        relax(spec);
        Set<String> done = new HashSet<>();
        for (String name : new ArrayList<>(schemas.keySet())) {
            flatten(name, schemas, done);
        }
        DumperOptions dump = new DumperOptions();
        dump.setWidth(Integer.MAX_VALUE);
        return new Yaml(dump).dump(spec);
    }

    @SuppressWarnings("unchecked")
    private static void relax(Object node) {
        if (node instanceof Map<?, ?> raw) {
            Map<String, Object> map = (Map<String, Object>) raw;
            map.remove("discriminator");
            if ("object".equals(map.get("type")) && map.get("oneOf") instanceof List<?> alternatives
                    && alternatives.stream().anyMatch(a -> a instanceof Map<?, ?> m && m.get("type") != null
                            && !"object".equals(m.get("type")))) {
                map.remove("type");
            }
            map.values().forEach(CamundaSpec::relax);
        } else if (node instanceof List<?> list) {
            list.forEach(CamundaSpec::relax);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> flatten(String name, Map<String, Object> schemas, Set<String> done) {
        Map<String, Object> schema = (Map<String, Object>) schemas.get(name);
        if (schema == null || !done.add(name)) {
            return schema;
        }
        Object allOf = schema.get("allOf");
        if (!(allOf instanceof List<?> parts) || parts.isEmpty()
                || !parts.stream().allMatch(p -> p instanceof Map<?, ?> m && (m.get("$ref") == null
                        ? "object".equals(m.get("type")) && !m.containsKey("allOf") && !m.containsKey("oneOf")
                        : m.size() == 1 && String.valueOf(m.get("$ref")).startsWith(PREFIX)))) {
            return schema;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        Set<String> required = new LinkedHashSet<>();
        for (Object part : parts) {
            Map<String, Object> inline = (Map<String, Object>) part;
            Map<String, Object> parent = inline.get("$ref") == null ? inline
                    : flatten(String.valueOf(inline.get("$ref")).substring(PREFIX.length()), schemas, done);
            if (parent == null) {
                return schema;
            }
            if (parent.get("properties") instanceof Map<?, ?> inherited) {
                properties.putAll((Map<String, Object>) inherited);
            }
            if (parent.get("required") instanceof List<?> names) {
                names.forEach(n -> required.add(String.valueOf(n)));
            }
            parent.forEach((key, value) -> {
                if (CONSTRAINTS.contains(key)) {
                    schema.putIfAbsent(key, value);
                }
            });
        }
        if (schema.get("properties") instanceof Map<?, ?> own) {
            properties.putAll((Map<String, Object>) own);
        }
        if (schema.get("required") instanceof List<?> names) {
            names.forEach(n -> required.add(String.valueOf(n)));
        }
        if (!properties.isEmpty()) {
            schema.put("properties", properties);
        }
        if (!required.isEmpty()) {
            schema.put("required", new ArrayList<>(required));
        }
        schema.remove("allOf");
        return schema;
    }
}
