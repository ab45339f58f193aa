package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.dicomstage.workflow.ProcessDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;

class ProcessModelDiffTest {

    private static final String SHIPPED = shipped();

    @Test
    void theSameModelWrittenAnotherWayChangesNothing() {
        // Written out again by the model API: other formatting, attribute order and namespace declarations.
        String rewritten = Bpmn.convertToString(read(SHIPPED));
        assertThat(rewritten).isNotEqualTo(SHIPPED);

        ProcessModelDiff.Changes changes = ProcessModelDiff.between(SHIPPED, rewritten);

        assertThat(changes.none()).as(changes.summary()).isTrue();
        assertThat(changes.layoutChanged()).isFalse();
        assertThat(changes.summary()).isEqualTo("no change");
    }

    @Test
    void changedRetriesAreNamedWithTheElementAndBothValues() {
        String changed = SHIPPED.replace("type=\"dicomstage.stage-series\" retries=\"5\"",
                "type=\"dicomstage.stage-series\" retries=\"7\"");

        ProcessModelDiff.Changes changes = ProcessModelDiff.between(SHIPPED, changed);

        assertThat(changes.added()).isEmpty();
        assertThat(changes.removed()).isEmpty();
        assertThat(changes.changed()).singleElement().satisfies(c -> {
            assertThat(c.label()).isEqualTo("Stage series (StageSeries)");
            assertThat(c.type()).isEqualTo("service task");
            assertThat(c.details()).containsExactly("zeebe:taskDefinition retries: '5' → '7'");
        });
        assertThat(changes.summary()).isEqualTo("0 added, 0 removed, 1 changed: changed Stage series (StageSeries):"
                + " zeebe:taskDefinition retries: '5' → '7'");
    }

    @Test
    void aChangedTimerAHeaderAndANameAreEachTheirElementsChange() {
        String cycle = SHIPPED.substring(SHIPPED.indexOf("<bpmn:timeCycle"));
        String timer = cycle.substring(cycle.indexOf('>') + 1, cycle.indexOf("</bpmn:timeCycle>"));
        String changed = SHIPPED.replace(">" + timer + "</bpmn:timeCycle>", ">R/PT12H</bpmn:timeCycle>")
                .replace("name=\"Close request (aborted)\"", "name=\"Close the request (aborted)\"")
                .replaceFirst("<zeebe:header key=\"requestOutcome\" value=\"ABORTED\"",
                        "<zeebe:header key=\"requestOutcome\" value=\"CANCELLED\"");
        assertThat(changed).contains("R/PT12H", "Close the request (aborted)");

        ProcessModelDiff.Changes changes = ProcessModelDiff.between(SHIPPED, changed);

        assertThat(changes.changed()).extracting(ProcessModelDiff.ElementChange::label)
                .containsExactlyInAnyOrder(label(ProcessDefinition.Elements.REVIEW_REMINDER),
                        "Close the request (aborted) (" + ProcessDefinition.Elements.CLOSE_REQUEST_ABORTED + ")");
        assertThat(changes.changed()).filteredOn(c -> c.id().equals("ReviewReminder")).singleElement()
                .satisfies(c -> assertThat(c.details()).containsExactly(
                        "timerEventDefinition › timeCycle: '" + timer.trim() + "' → 'R/PT12H'"));
        assertThat(changes.changed()).filteredOn(c -> c.id().equals(ProcessDefinition.Elements.CLOSE_REQUEST_ABORTED))
                .singleElement().satisfies(c -> assertThat(c.details()).containsExactlyInAnyOrder(
                        "name: 'Close request (aborted)' → 'Close the request (aborted)'",
                        "zeebe:taskHeaders › zeebe:header \"requestOutcome\" value: 'ABORTED' → 'CANCELLED'"));
    }

    @Test
    void addedAndRemovedElementsAreListedByNameAndId() {
        String before = tinyProcess("""
                <bpmn:serviceTask id="Verify" name="Verify staged copy" />
                <bpmn:sequenceFlow id="Flow_Start_Task" sourceRef="Start" targetRef="Verify" />""");
        String after = tinyProcess("""
                <bpmn:serviceTask id="NotifySponsor" name="Notify sponsor" />
                <bpmn:sequenceFlow id="Flow_Start_Task" sourceRef="Start" targetRef="NotifySponsor" />""");

        ProcessModelDiff.Changes changes = ProcessModelDiff.between(before, after);

        assertThat(changes.added()).singleElement().satisfies(c -> {
            assertThat(c.label()).isEqualTo("Notify sponsor (NotifySponsor)");
            assertThat(c.type()).isEqualTo("service task");
        });
        assertThat(changes.removed()).extracting(ProcessModelDiff.ElementChange::label)
                .containsExactly("Verify staged copy (Verify)");
        assertThat(changes.changed()).singleElement().satisfies(c -> assertThat(c.details())
                .containsExactly("targetRef: 'Verify' → 'NotifySponsor'"));
        assertThat(changes.summary()).isEqualTo("1 added, 1 removed, 1 changed: added service task Notify sponsor"
                + " (NotifySponsor); removed service task Verify staged copy (Verify); changed Flow_Start_Task:"
                + " targetRef: 'Verify' → 'NotifySponsor'");
    }

    private static String tinyProcess(String content) {
        return "<bpmn:definitions xmlns:bpmn=\"" + ProcessModelDiff.BPMN + "\" id=\"Defs\">"
                + "<bpmn:process id=\"p\" isExecutable=\"true\"><bpmn:startEvent id=\"Start\" />" + content
                + "</bpmn:process></bpmn:definitions>";
    }

    @Test
    void aMovedShapeIsALayoutChangeOnly() {
        String bounds = SHIPPED.substring(SHIPPED.indexOf("<dc:Bounds x=\""));
        bounds = bounds.substring(0, bounds.indexOf("/>"));
        String moved = SHIPPED.replaceFirst(java.util.regex.Pattern.quote(bounds),
                bounds.replaceFirst("x=\"(\\d+)", "x=\"$1" + "0"));

        ProcessModelDiff.Changes changes = ProcessModelDiff.between(SHIPPED, moved);

        assertThat(changes.none()).isTrue();
        assertThat(changes.layoutChanged()).isTrue();
        assertThat(changes.summary()).isEqualTo("layout only");
    }

    @Test
    void againstNothingDeployedEveryElementIsNew() {
        ProcessModelDiff.Changes changes = ProcessModelDiff.between(null, SHIPPED);

        assertThat(changes.added()).extracting(ProcessModelDiff.ElementChange::id)
                .contains(ProcessDefinition.PROCESS_ID, ProcessDefinition.Elements.STAGE_SERIES);
        assertThat(changes.layoutChanged()).isFalse();
    }

    @Test
    void aDocumentTypeIsRefusedWithoutReadingAnEntity() {
        String hostile = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<bpmn:definitions xmlns:bpmn=\"" + ProcessModelDiff.BPMN + "\">&x;</bpmn:definitions>";

        assertThatThrownBy(() -> ProcessModelDiff.between(SHIPPED, hostile))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DOCTYPE")
                .hasMessageNotContaining("root:");
    }

    private static String label(String id) {
        BpmnModelInstance model = read(SHIPPED);
        String name = ((io.camunda.zeebe.model.bpmn.instance.FlowElement) model.getModelElementById(id)).getName();
        return name + " (" + id + ")";
    }

    private static BpmnModelInstance read(String xml) {
        return Bpmn.readModelFromStream(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String shipped() {
        try {
            return new ClassPathResource(ProcessDefinition.BPMN_RESOURCE).getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
