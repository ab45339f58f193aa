package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

/**
 * The workers' variable names are written twice, in {@code fetchVariables} and as the fields of their input record
 * (see {@link JobSupport} for why): a field missing from the list would arrive as null, an extra name would fetch
 * what nobody reads. And the client has a thread for every job it may hold.
 */
class JobWorkerVariablesTest {

    static final List<Class<?>> WORKERS = List.of(CheckAccessWorker.class, QueryStudy0Worker.class,
            ExpandSelectionWorker.class, StageSeriesWorker.class, VerifyWorker.class, RemindReviewerWorker.class,
            CloseRequestWorker.class, PublishWorker.class, ClearHoldingWorker.class);

    @Test
    void everyWorkerFetchesExactlyTheFieldsOfItsInput() {
        Map<String, Class<?>> byType = new HashMap<>();
        for (Class<?> worker : WORKERS) {
            Method handler = handler(worker);
            JobWorker annotation = handler.getAnnotation(JobWorker.class);
            byType.put(annotation.type(), worker);
            assertThat(annotation.fetchAllVariables()).as(worker.getSimpleName()).isFalse();
            assertThat(annotation.fetchVariables()).as(worker.getSimpleName() + " fetchVariables")
                    .isNotEmpty().doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(inputFields(handler));
        }
        assertThat(byType).as("one worker per job type").containsOnlyKeys(JobTypes.ALL);
    }

    @Test
    void theClientHasAThreadForEveryJobItMayHoldAtOnce() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        Properties settings = yaml.getObject();
        int threads = Integer.parseInt(settings.getProperty("camunda.client.execution-threads"));
        int perType = Integer.parseInt(settings.getProperty("camunda.client.worker.defaults.max-jobs-active"));
        assertThat(threads).isGreaterThanOrEqualTo(JobTypes.ALL.size() * perType);
        for (Class<?> worker : WORKERS) {
            // A worker's own maxJobsActive counts only where it stays below the default (the default replaces it).
            assertThat(handler(worker).getAnnotation(JobWorker.class).maxJobsActive()).as(worker.getSimpleName())
                    .isLessThanOrEqualTo(perType);
        }
    }

    private static Method handler(Class<?> worker) {
        List<Method> handlers = Arrays.stream(worker.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(JobWorker.class)).toList();
        assertThat(handlers).as(worker.getSimpleName()).hasSize(1);
        return handlers.getFirst();
    }

    private static List<String> inputFields(Method handler) {
        Parameter input = Arrays.stream(handler.getParameters())
                .filter(p -> p.isAnnotationPresent(VariablesAsType.class)).findFirst().orElseThrow();
        assertThat(input.getType().isRecord()).as(input.getType().getName()).isTrue();
        return Arrays.stream(input.getType().getRecordComponents()).map(RecordComponent::getName).toList();
    }
}
