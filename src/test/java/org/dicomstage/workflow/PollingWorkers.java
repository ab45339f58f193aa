package org.dicomstage.workflow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.annotation.DirtiesContext;

/**
 * For a test class whose context runs job workers against its in-memory engine: the context, its engine and its
 * polling workers stop after the class instead of staying cached. ZPT's {@code GrpcResponseWriter} keeps the
 * response value in static fields, so a second engine answering meanwhile can corrupt a job batch, and a worker
 * never gets its job ("Could not deserialize object [JobBatchRecord]" in the log).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@DirtiesContext
public @interface PollingWorkers {
}
