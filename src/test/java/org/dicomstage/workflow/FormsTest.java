package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.feel.api.EvaluationResult;
import org.camunda.feel.api.FeelEngineApi;
import org.camunda.feel.api.FeelEngineBuilder;
import org.dicomstage.workflow.ProcessDefinition.Forms;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

/**
 * The forms are JSON nobody compiles: check their shape, that they only use form-js components Tasklist
 * renders unchanged, and that every variable they bind is one {@link ProcessDefinition} documents.
 */
class FormsTest {

    static final List<String> FORM_IDS = Forms.ALL;

    /** The standard form-js components (no custom renderers: Tasklist would not know them). */
    private static final Set<String> STANDARD_TYPES = Set.of("text", "html", "textfield", "textarea", "number",
            "datetime", "checkbox", "checklist", "radio", "select", "taglist", "table", "expression", "group",
            "dynamiclist", "separator", "spacer", "button", "image", "iframe", "filepicker", "documentPreview");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FeelEngineApi FEEL = FeelEngineBuilder.forJava().build();

    static JsonNode form(String id) {
        String resource = ProcessDefinition.FORMS_LOCATION + id + ".form";
        try (InputStream in = FormsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("%s on the classpath", resource).isNotNull();
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @FieldSource("FORM_IDS")
    void formHasCamunda88Shape(String id) {
        JsonNode form = form(id);
        assertThat(form.path("id").asText()).isEqualTo(id);
        assertThat(form.path("type").asText()).isEqualTo("default");
        assertThat(form.path("schemaVersion").asInt()).isEqualTo(18);
        assertThat(form.path("executionPlatform").asText()).isEqualTo("Camunda Cloud");
        assertThat(form.path("executionPlatformVersion").asText()).startsWith("8.8");
        assertThat(form.path("components").isArray()).isTrue();
        List<String> ids = new ArrayList<>();
        for (JsonNode c : components(form)) {
            assertThat(STANDARD_TYPES).as("component type in %s", id).contains(c.path("type").asText());
            ids.add(c.path("id").asText());
        }
        assertThat(ids).doesNotContain("").doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @FieldSource("FORM_IDS")
    void everyBindingIsADocumentedVariable(String id) {
        Set<String> documented = ProcessModelTest.stringConstants(Variables.class);
        for (JsonNode c : components(form(id))) {
            String type = c.path("type").asText();
            if (c.has("key")) {
                assertThat(documented).as("key in %s", id).contains(c.get("key").asText());
            }
            if (c.has("valuesKey")) {
                assertThat(documented).as("valuesKey in %s", id).contains(c.get("valuesKey").asText());
            }
            if (c.has("dataSource")) {
                String source = c.get("dataSource").asText();
                assertThat(source).as("dataSource in %s is a plain variable reference", id).matches("=?[A-Za-z]+");
                assertThat(documented).as("dataSource in %s", id).contains(source.replaceFirst("^=", ""));
            }
            if (type.equals("table")) {
                assertThat(c.path("columns").size()).as("columns of %s in %s", c.path("id").asText(), id)
                        .isPositive();
            }
            if (List.of("select", "checklist", "radio", "taglist").contains(type)) {
                int sources = (c.has("values") ? 1 : 0) + (c.has("valuesKey") ? 1 : 0)
                        + (c.has("valuesExpression") ? 1 : 0);
                assertThat(sources).as("exactly one options source for %s in %s", c.path("id").asText(), id)
                        .isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @FieldSource("FORM_IDS")
    void everyFeelExpressionParses(String id) {
        for (JsonNode c : components(form(id))) {
            for (String property : List.of("valuesExpression", "expression", "text")) {
                String value = c.path(property).asText("");
                if (value.startsWith("=")) {
                    assertThat(FEEL.parseExpression(value.substring(1)).isSuccess())
                            .as("%s of %s in %s parses: %s", property, c.path("id").asText(), id, value).isTrue();
                }
            }
            String hide = c.path("conditional").path("hide").asText("");
            if (hide.startsWith("=")) {
                assertThat(FEEL.parseExpression(hide.substring(1)).isSuccess()).as("hide of %s", c.path("id"))
                        .isTrue();
            }
        }
    }

    @Test
    void bulkSearchKeepsSubjectsContainingAnyTermAndListsTermsWithoutMatch() {
        JsonNode form = form(Forms.SELECT_PATIENT);
        String matches = component(form, Variables.BULK_SUBJECT_IDS).get("valuesExpression").asText();
        String unmatched = component(form, Variables.BULK_UNMATCHED_TERMS).get("expression").asText();
        Map<String, Object> vars = Map.of(
                Variables.ENROLLED_SUBJECTS, List.of(option("HNC-001"), option("HNC-002"), option("LUNG-017")),
                Variables.BULK_SEARCH_TEXT, "hnc-001; 017\nXYZ,  ,002");

        assertThat(values(evaluate(matches, vars))).containsExactly("HNC-001", "HNC-002", "LUNG-017");
        assertThat(evaluate(unmatched, vars)).isEqualTo(List.of("XYZ"));

        Map<String, Object> narrow = Map.of(Variables.ENROLLED_SUBJECTS, vars.get(Variables.ENROLLED_SUBJECTS),
                Variables.BULK_SEARCH_TEXT, "LUNG");
        assertThat(values(evaluate(matches, narrow))).containsExactly("LUNG-017");
    }

    @Test
    void rtViewIndentsByDepthAndShowsPlanApproval() {
        String labels = component(form(Forms.PICK_SERIES), Variables.PICKED_RT_SERIES_UIDS)
                .get("valuesExpression").asText();
        Map<String, Object> vars = Map.of(Variables.RT_TREE, List.of(
                Map.of("seriesInstanceUid", "1.2.1", "modality", "CT", "seriesDescription", "Planning CT", "depth", 0),
                Map.of("seriesInstanceUid", "1.2.2", "modality", "RTSTRUCT", "seriesDescription", "ROIs", "depth", 1),
                Map.of("seriesInstanceUid", "1.2.3", "modality", "RTPLAN", "seriesDescription", "Plan A", "depth", 2,
                        "approvalStatus", "UNAPPROVED", "rtPlanLabel", "PLAN_A", "inProject", "No")));
        List<?> options = (List<?>) evaluate(labels, vars);
        assertThat(options).hasSize(3);
        assertThat(label(options.get(0))).isEqualTo("CT Planning CT");
        assertThat(label(options.get(1))).isEqualTo("\u00a0".repeat(4) + "└ RTSTRUCT ROIs");
        assertThat(label(options.get(2))).isEqualTo("\u00a0".repeat(8) + "└ RTPLAN Plan A [PLAN_A · UNAPPROVED] · In project: No");
        assertThat(((Map<?, ?>) options.get(2)).get("value")).isEqualTo("1.2.3");
    }

    private static Object evaluate(String expression, Map<String, Object> vars) {
        EvaluationResult result = FEEL.evaluateExpression(expression.replaceFirst("^=", ""), vars);
        assertThat(result.isSuccess()).as("%s: %s", expression, result.isSuccess() ? "" : result.failure())
                .isTrue();
        return result.result();
    }

    private static Map<String, Object> option(String id) {
        return Map.of("label", id + " (site A)", "value", id);
    }

    private static List<Object> values(Object options) {
        return ((List<?>) options).stream().map(o -> ((Map<?, ?>) o).get("value")).map(Object.class::cast).toList();
    }

    private static String label(Object option) {
        return (String) ((Map<?, ?>) option).get("label");
    }

    static JsonNode component(JsonNode form, String key) {
        return components(form).stream().filter(c -> key.equals(c.path("key").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no component with key " + key));
    }

    /** All components, nested ones (groups, dynamic lists) included. */
    static List<JsonNode> components(JsonNode form) {
        List<JsonNode> all = new ArrayList<>();
        collect(form.path("components"), all);
        return all;
    }

    private static void collect(JsonNode components, List<JsonNode> into) {
        for (JsonNode c : components) {
            into.add(c);
            collect(c.path("components"), into);
        }
    }

}
