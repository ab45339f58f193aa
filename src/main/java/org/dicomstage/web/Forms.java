package org.dicomstage.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.dicomstage.workflow.ProcessDefinition;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The Camunda Forms the engine deploys (forms/*.form on the classpath), served as they are to form-js, and the
 * keys each form binds: a completion may only set those, whatever else the browser sends.
 */
@Component
class Forms {

    private final ObjectMapper json;
    private final Map<String, Set<String>> keys = new ConcurrentHashMap<>();

    Forms(ObjectMapper json) {
        this.json = json;
    }

    /** The form's JSON, only for the process's own forms (the id comes from the browser). */
    Optional<JsonNode> form(String formId) {
        if (!ProcessDefinition.Forms.ALL.contains(formId)) {
            return Optional.empty();
        }
        ClassPathResource resource = new ClassPathResource(ProcessDefinition.FORMS_LOCATION + formId + ".form");
        try (InputStream in = resource.getInputStream()) {
            return Optional.of(json.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("form " + formId + " is not on the classpath", e);
        }
    }

    /** Top-level variable names the form can submit: field keys and dynamic-list paths, outside any list. */
    Set<String> submittableKeys(String formId) {
        return keys.computeIfAbsent(formId, id -> form(id).map(Forms::collect).orElse(Set.of()));
    }

    private static Set<String> collect(JsonNode form) {
        Set<String> found = new LinkedHashSet<>();
        collect(form.path("components"), found);
        return Collections.unmodifiableSet(found);
    }

    private static void collect(JsonNode components, Set<String> found) {
        for (JsonNode component : components) {
            if (component.hasNonNull("path") && !component.path("path").asText().isEmpty()) {
                // A dynamic list or group with a path submits one variable: the first path segment.
                found.add(component.path("path").asText().split("\\.")[0]);
                continue;
            }
            if (component.hasNonNull("key")) {
                found.add(component.path("key").asText().split("\\.")[0]);
            }
            collect(component.path("components"), found);
        }
    }
}
