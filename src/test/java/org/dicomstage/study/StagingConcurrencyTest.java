package org.dicomstage.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dicomstage.study.StagingRequestTest.CT;
import static org.dicomstage.study.StagingRequestTest.RTDOSE;
import static org.dicomstage.study.StagingRequestTest.RTPLAN;
import static org.dicomstage.study.StagingRequestTest.RTSTRUCT;
import static org.dicomstage.study.StagingRequestTest.STUDY_UID;

import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.orm.jpa.DataJpaTest;
import org.springframework.context.annotation.Import;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two workers in two real transactions at once. Not wrapped in a test transaction, so it commits; its own
 * property gives it its own context and therefore its own in-memory database.
 */
@DataJpaTest(properties = "dicomstage.test.isolated-database=staging-concurrency")
@Import({StudyService.class, StudySecrets.class, DemoStudyData.class})
@Transactional(propagation = Propagation.NOT_SUPPORTED)
class StagingConcurrencyTest {

    @Autowired
    StudyService service;

    @Autowired
    DemoStudyData demo;

    @Autowired
    EntityManager entityManager;

    @Autowired
    PlatformTransactionManager transactionManager;

    final ExecutorService workers = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopWorkers() {
        workers.shutdownNow();
    }

    /** Study0 studies of this class's requests: each test opens its own, since only one may be open per study. */
    static final java.util.concurrent.atomic.AtomicInteger STUDY0_STUDIES = new java.util.concurrent.atomic.AtomicInteger();

    long requestWith(SeriesSelection... series) {
        return new TransactionTemplate(transactionManager).execute(status -> {
            demo.seed();
            long id = service.createStagingRequest(new NewStagingRequest(DemoStudyData.RESEARCHER,
                    DemoStudyData.RT_HN_2026, DemoStudyData.RT_FIXTURE_PID,
                    STUDY_UID + ".0." + STUDY0_STUDIES.incrementAndGet()));
            service.addSeries(id, List.of(series), List.of());
            return id;
        });
    }

    @Test
    void workersOnDifferentSeriesOfOneRequestBothPersist() throws Exception {
        long id = requestWith(CT, RTSTRUCT);
        CyclicBarrier bothWritten = new CyclicBarrier(2);

        // Each worker has written (and holds) its update before either commits.
        Future<?> first = workers.submit(() -> inTransaction(() -> {
            service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.STAGED, 5, null, "2.25.10");
            entityManager.flush();
            await(bothWritten);
        }));
        Future<?> second = workers.submit(() -> inTransaction(() -> {
            service.markSeries(id, RTSTRUCT.seriesInstanceUid(), SeriesStatus.FAILED, 0, "association rejected",
                    null);
            entityManager.flush();
            await(bothWritten);
        }));
        first.get(30, TimeUnit.SECONDS);
        second.get(30, TimeUnit.SECONDS);

        List<StagingSeriesView> rows = service.stagingRequest(id).series();
        assertThat(rows).extracting(StagingSeriesView::status)
                .containsExactly(SeriesStatus.STAGED, SeriesStatus.FAILED);
        assertThat(rows.get(0).targetSeriesInstanceUid()).isEqualTo("2.25.10");
        assertThat(rows.get(1).failureReason()).isEqualTo("association rejected");
    }

    @Test
    void twoWorkersOnTheSameSeriesCannotBothWinSilently() throws Exception {
        long id = requestWith(RTPLAN, RTDOSE);
        CyclicBarrier bothRead = new CyclicBarrier(2);

        // Both read version 0 before either commits; the later commit must fail instead of overwriting.
        List<Future<?>> attempts = new ArrayList<>();
        for (SeriesStatus status : List.of(SeriesStatus.STAGED, SeriesStatus.FAILED)) {
            attempts.add(workers.submit(() -> inTransaction(() -> {
                service.markSeries(id, RTPLAN.seriesInstanceUid(), status, 1, "by " + status, null);
                await(bothRead);
            })));
        }
        int failures = 0;
        for (Future<?> attempt : attempts) {
            try {
                attempt.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(ObjectOptimisticLockingFailureException.class);
                failures++;
            }
        }
        assertThat(failures).isEqualTo(1);
        assertThat(service.stagingRequest(id).series().get(0).status())
                .isIn(SeriesStatus.STAGED, SeriesStatus.FAILED);
    }

    @Test
    void ofFiveRequestsOpenedAtOnceForOneStudy0StudyTheDatabaseKeepsOneAndOneMayOpenAfterItCloses()
            throws Exception {
        String study0Study = STUDY_UID + ".5." + STUDY0_STUDIES.incrementAndGet();
        inTransaction(demo::seed);
        ExecutorService five = Executors.newFixedThreadPool(5);
        CyclicBarrier together = new CyclicBarrier(5);
        List<Future<Long>> attempts = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                attempts.add(five.submit(() -> {
                    await(together);
                    return service.createStagingRequest(new NewStagingRequest(DemoStudyData.RESEARCHER,
                            DemoStudyData.RT_HN_2026, DemoStudyData.RT_FIXTURE_PID, study0Study));
                }));
            }
            List<Long> opened = new ArrayList<>();
            int refused = 0;
            for (Future<Long> attempt : attempts) {
                try {
                    opened.add(attempt.get(30, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
                    refused++;
                }
            }
            assertThat(opened).hasSize(1);
            assertThat(refused).isEqualTo(4);
            assertThat(service.findOpenRequest(DemoStudyData.RT_HN_2026, DemoStudyData.RT_FIXTURE_PID, study0Study))
                    .get().extracting(StagingRequestView::id).isEqualTo(opened.getFirst());

            service.closeRequest(opened.getFirst(), RequestOutcome.ABORTED);
            long next = service.createStagingRequest(new NewStagingRequest(DemoStudyData.RESEARCHER,
                    DemoStudyData.RT_HN_2026, DemoStudyData.RT_FIXTURE_PID, study0Study));
            assertThat(next).isNotEqualTo(opened.getFirst());
        } finally {
            five.shutdownNow();
        }
    }

    private void inTransaction(Runnable work) {
        new TransactionTemplate(transactionManager).executeWithoutResult(status -> work.run());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the other worker did not arrive", e);
        }
    }
}
