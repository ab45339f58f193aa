package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.camunda.client.CamundaClient;
import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.dicomstage.DicomStageApplication;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.staging.CountedNodePermits;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.StudyService;
import org.dicomstage.study.ThrowawayPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two application instances (two Spring contexts, each with its own job workers and Camunda client) against one
 * engine, one PostgreSQL database, the same two archives and one holding node, as in a scaled-out production.
 * Twenty requests of one series each run at once. Staging writes to the holding node, so that is where the
 * instances contend: its cluster-wide limit is below what each instance alone may open, and the slots held at once
 * must reach it and never pass it. The project archive only receives accepted copies, one publication at a time
 * per process, under its own cluster-wide limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutIT {

    private static final int REQUESTS = 20;
    private static final int INSTANCES_PER_SERIES = 3;
    /** Cluster-wide slots of the project archive; each instance alone may open 4 (max-associations). */
    private static final int PROJECT_LIMIT = 3;
    /** Cluster-wide slots of the holding node, which staging and verification use; each instance alone may use 4. */
    private static final int HOLDING_LIMIT = 3;
    /** Each instance's own bound per archive (the nodes' max-associations default), and Study0's cluster limit. */
    private static final int NODE_MAX_ASSOCIATIONS = 4;

    @TempDir
    static Path temp;

    private ZeebeTestEngine engine;
    private EmbeddedArchive study0;
    private EmbeddedArchive project;
    /** Shared by both instances, and able to delete: an Orthanc behind DICOMweb, as in docker-compose.yml. */
    private org.dicomstage.testing.OrthancServer holding;
    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    @BeforeAll
    void start() {
        engine = ZptEngines.start(0);
        study0 = new EmbeddedArchive("STUDY0", temp.resolve("study0"), ZptEngines.freePort(), 16);
        project = new EmbeddedArchive("PROJECT", temp.resolve("project"), ZptEngines.freePort(), 16);
        study0.start();
        project.start();
        holding = org.dicomstage.testing.OrthancServer.builder().aet("HOLDING").start();
        assertThat(ConcurrentRequests.seed(study0, temp.resolve("generated"), REQUESTS, INSTANCES_PER_SERIES))
                .isEqualTo(REQUESTS * INSTANCES_PER_SERIES);
        String database = ThrowawayPostgres.newDatabaseUrl();
        apps.add(app("a", database));
        apps.add(app("b", database));
    }

    @AfterAll
    void stop() {
        apps.forEach(ConfigurableApplicationContext::close);
        if (engine != null) {
            engine.stop();
        }
        if (study0 != null) {
            study0.close();
        }
        if (project != null) {
            project.close();
        }
        if (holding != null) {
            holding.close();
        }
    }

    private ConfigurableApplicationContext app(String name, String database) {
        Map<String, Object> p = new HashMap<>(ZptEngines.clientProperties(engine));
        p.put("spring.application.name", "dicomstage-" + name);
        p.put("spring.datasource.url", database);
        p.put("spring.datasource.username", "postgres");
        p.put("spring.datasource.password", "");
        p.put("dicomstage.security.demo-on-any-database", "true"); // throwaway database, no login used
        p.put("camunda.client.worker.defaults.poll-interval", "200ms");
        p.put("camunda.client.worker.defaults.stream-enabled", "false");
        p.put("dicomstage.workflow.retry-backoff", "100ms");
        p.put("dicomstage.workflow.max-retry-backoff", "400ms");
        p.put("dicomstage.cluster.max-associations." + DemoStudyData.PROJECT_NODE, PROJECT_LIMIT);
        p.put("dicomstage.cluster.max-associations." + DemoStudyData.HOLDING_NODE, HOLDING_LIMIT);
        TestArchives.node(p, DemoStudyData.STUDY0_NODE, study0);
        TestArchives.node(p, DemoStudyData.PROJECT_NODE, project);
        p.put("dicomstage.nodes.holding.kind", "DICOMWEB");
        p.put("dicomstage.nodes.holding.base-url", holding.dicomWebUrl());
        p.put("dicomstage.nodes.holding.orthanc-rest-url", holding.restUrl());
        return new SpringApplicationBuilder(DicomStageApplication.class, ZptHarnessConfiguration.class,
                DemoStudyData.class, CountedNodePermits.class)
                .web(WebApplicationType.NONE)
                .initializers(context -> {
                    // First, as a deployment's environment would be (defaultProperties do not count as set).
                    context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("instance-" + name,
                            p));
                    ((DefaultListableBeanFactory) context.getBeanFactory())
                            .registerSingleton(ZptEngineInitializer.ENGINE_BEAN, engine); // shared, stopped here
                })
                .run();
    }

    @Test
    void twoInstancesStageEverySeriesOnceAndKeepTheProjectArchiveWithinTheClusterWideLimit() {
        ConfigurableApplicationContext a = apps.get(0);
        ConcurrentRequests.Outcome outcome = ConcurrentRequests.run(a.getBean(CamundaClient.class),
                new ZptUserTasks(engine, Duration.ZERO), REQUESTS, Duration.ofSeconds(90));
        System.out.println("ScaleOutIT: " + REQUESTS + " requests on two instances: " + outcome.summary()
                + "; project archive: peak slots held cluster-wide " + CountedNodePermits.peak(
                DemoStudyData.PROJECT_NODE) + " (limit " + PROJECT_LIMIT + "), peak associations seen by the "
                + "archive (accept to close) " + project.peakAssociations() + "; Study0: peak slots held "
                + CountedNodePermits.peak(DemoStudyData.STUDY0_NODE) + " (limit " + NODE_MAX_ASSOCIATIONS
                + "), peak associations seen by the archive " + study0.peakAssociations() + " (bound "
                + 2 * NODE_MAX_ASSOCIATIONS + "); holding node: peak slots held cluster-wide "
                + CountedNodePermits.peak(DemoStudyData.HOLDING_NODE) + " (limit " + HOLDING_LIMIT + ")");
        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.completed()).hasSize(REQUESTS);

        // Every series copied once, completely: the copy of each has exactly its source's instances. Accepted at
        // review (after the last task the test saw), each series is published and the holding copy emptied.
        JdbcTemplate db = a.getBean(JdbcTemplate.class);
        // Only the twenty subjects' requests: the claim tests of this class leave their own (never staged) rows.
        String ownRequests = "SELECT id FROM staging_request WHERE pid IN (" + IntStream
                .rangeClosed(1, REQUESTS).mapToObj(n -> "'" + DemoStudyData.pid(n) + "'")
                .collect(Collectors.joining(", ")) + ")";
        awaitZero(db, "SELECT COUNT(*) FROM staging_series WHERE status <> 'PUBLISHED' AND request_id IN ("
                + ownRequests + ")", Duration.ofSeconds(60));
        // Accepted at review, each process closes its request: its last step, after Publish has emptied the holding
        // copy (a series is PUBLISHED before its held copy is deleted, so only then is the holding node empty).
        awaitZero(db, "SELECT COUNT(*) FROM staging_request WHERE process_instance_key IS NOT NULL "
                + "AND closed_at IS NULL AND id IN (" + ownRequests + ")", Duration.ofSeconds(30));
        assertThat(project.size()).isEqualTo(REQUESTS * INSTANCES_PER_SERIES);
        assertThat(holding.instanceCount()).isZero();
        assertThat(db.queryForList("SELECT request_id, series_uid FROM staging_series GROUP BY request_id, "
                + "series_uid HAVING COUNT(*) > 1")).isEmpty();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM staging_series WHERE claimed_by IS NOT NULL",
                Integer.class)).isZero();
        assertThat(db.queryForList("SELECT DISTINCT outcome FROM staging_request WHERE process_instance_key IS NOT "
                + "NULL AND id IN (" + ownRequests + ")", String.class)).containsExactly("ACCEPTED");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM audit_event WHERE action = ?", Integer.class,
                SeriesStaging.SERIES_STAGED)).isEqualTo(REQUESTS);
        assertThat(db.queryForObject("SELECT COUNT(DISTINCT detail) FROM audit_event WHERE action = ?",
                Integer.class, SeriesStaging.SERIES_STAGED)).isEqualTo(REQUESTS);

        // Both instances staged series, and together exactly one staging per series.
        long stagedByA = stagedSeries(apps.get(0));
        long stagedByB = stagedSeries(apps.get(1));
        System.out.println("ScaleOutIT: series staged by instance a " + stagedByA + ", by instance b " + stagedByB);
        assertThat(stagedByA).isPositive();
        assertThat(stagedByB).isPositive();
        assertThat(stagedByA + stagedByB).isEqualTo(REQUESTS);

        // Staging and verification use the holding node under its slots: those held at once by both instances
        // together reached the cluster-wide limit (so it was contended) and never went past it.
        assertThat(CountedNodePermits.peak(DemoStudyData.HOLDING_NODE)).isEqualTo(HOLDING_LIMIT);
        // Publishing opens every association to the project archive under a slot, one per slot: never past the
        // limit, and the archive itself never served more at once (an association ends for the archive when it
        // closes the connection, and a slot is given up only after that close).
        assertThat(CountedNodePermits.peak(DemoStudyData.PROJECT_NODE)).isBetween(1, PROJECT_LIMIT);
        assertThat(project.peakAssociations()).as("associations the project archive served at once")
                .isLessThanOrEqualTo(PROJECT_LIMIT);
        // Study0's slots cover staging and verification only; the selection steps' queries (query-study0, RT
        // headers) are bounded by each instance's own max-associations, so two instances may reach twice that.
        assertThat(CountedNodePermits.peak(DemoStudyData.STUDY0_NODE)).isLessThanOrEqualTo(NODE_MAX_ASSOCIATIONS);
        assertThat(study0.peakAssociations()).as("associations Study0 served at once")
                .isLessThanOrEqualTo(2 * NODE_MAX_ASSOCIATIONS);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM node_permit WHERE holder IS NOT NULL", Integer.class))
                .isZero();
    }

    @Test
    void aSeriesClaimedByOneWorkerCannotBeClaimedByAnotherUntilReleasedOrExpired() {
        StudyService a = apps.get(0).getBean(StudyService.class);
        StudyService b = apps.get(1).getBean(StudyService.class);
        long request = a.createStagingRequest(new org.dicomstage.study.NewStagingRequest(DemoStudyData.RESEARCHER,
                DemoStudyData.RT_HN_2026, DemoStudyData.pid(25), "1.2.3.25"));
        a.replaceSeries(request, List.of(new org.dicomstage.study.SeriesSelection("1.2.3.25", "1.2.3.25.1", "CT",
                "claim test", 1)), List.of());

        assertThat(a.claimSeries(request, "1.2.3.25.1", "worker-1", Duration.ofMinutes(2))).isTrue();
        assertThat(b.claimSeries(request, "1.2.3.25.1", "worker-2", Duration.ofMinutes(2))).isFalse();
        assertThat(a.claimSeries(request, "1.2.3.25.1", "worker-1", Duration.ofMinutes(2))).as("renewal").isTrue();
        b.releaseSeries(request, "1.2.3.25.1", "worker-2"); // not the owner: changes nothing
        assertThat(b.claimSeries(request, "1.2.3.25.1", "worker-2", Duration.ofMinutes(2))).isFalse();
        a.releaseSeries(request, "1.2.3.25.1", "worker-1");
        assertThat(b.claimSeries(request, "1.2.3.25.1", "worker-2", Duration.ofMillis(-1))).isTrue();
        // worker-2's claim has expired (a crashed worker): worker-1 takes over.
        assertThat(a.claimSeries(request, "1.2.3.25.1", "worker-1", Duration.ofMinutes(2))).isTrue();
        a.releaseSeries(request, "1.2.3.25.1", "worker-1");
    }

    @Test
    void aWorkerDoesNotStageASeriesThatAnotherWorkerHasClaimed() {
        StudyService studies = apps.get(1).getBean(StudyService.class);
        long request = studies.createStagingRequest(new org.dicomstage.study.NewStagingRequest(
                DemoStudyData.RESEARCHER, DemoStudyData.RT_HN_2026, DemoStudyData.pid(24), "1.2.3.24"));
        studies.replaceSeries(request, List.of(new org.dicomstage.study.SeriesSelection("1.2.3.24", "1.2.3.24.1", "CT",
                "busy test", 1)), List.of());
        long processInstance = 2251799813685999L;
        assertThat(studies.bindProcess(request, processInstance)).isTrue();
        // The first worker of a job that timed out is still copying this series.
        assertThat(studies.claimSeries(request, "1.2.3.24.1", "first-worker", Duration.ofMinutes(2))).isTrue();
        int before = project.size();

        SeriesStaging workflow = apps.get(1).getBean(SeriesStaging.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> workflow.stageSeries(DemoStudyData.RT_HN_2026,
                        Map.of(SeriesObjects.SERIES_UID, "1.2.3.24.1", SeriesObjects.STAGING_REQUEST_ID, request),
                        processInstance))
                .isInstanceOf(SeriesBusy.class).hasMessageContaining("another worker");
        assertThat(project.size()).isEqualTo(before);
        studies.releaseSeries(request, "1.2.3.24.1", "first-worker");
    }

    private static void awaitZero(JdbcTemplate db, String countQuery, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Integer count = db.queryForObject(countQuery, Integer.class);
        while (count != null && count > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            count = db.queryForObject(countQuery, Integer.class);
        }
        assertThat(count).as(countQuery).isZero();
    }

    private static long stagedSeries(ConfigurableApplicationContext app) {
        Timer timer = app.getBean(MeterRegistry.class).find("dicomstage.staging.duration").tag("outcome", "staged")
                .timer();
        return timer == null ? 0 : timer.count();
    }
}
