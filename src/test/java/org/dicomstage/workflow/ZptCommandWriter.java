package org.dicomstage.workflow;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.protocol.impl.record.RecordMetadata;
import io.camunda.zeebe.protocol.impl.record.UnifiedRecordValue;
import io.camunda.zeebe.protocol.record.RecordType;
import io.camunda.zeebe.protocol.record.ValueType;
import io.camunda.zeebe.protocol.record.intent.Intent;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Writes a command straight onto the in-memory engine's log, for the commands ZPT's gRPC gateway does not
 * offer (Camunda user tasks are REST-only). This is the one place that touches ZPT internals; it is pinned to
 * ZPT {@value #PINNED_ZPT_VERSION} ({@code InMemoryEngine.gateway -> GrpcToLogStreamGateway.writer ->
 * CommandWriter.writeCommandWithKey}) and {@code ZptCommandWriterTest} fails loudly when those move.
 *
 * <p>The command carries no request id, so the engine sends no gRPC response; callers read the outcome
 * (event or rejection) from the record stream.
 */
final class ZptCommandWriter {

    static final String PINNED_ZPT_VERSION = "8.8.21";

    private final Object commandWriter;
    private final Method writeCommandWithKey;

    ZptCommandWriter(ZeebeTestEngine engine) {
        try {
            Object gateway = field(engine.getClass(), "gateway").get(engine);
            this.commandWriter = field(gateway.getClass(), "writer").get(gateway);
            this.writeCommandWithKey = commandWriter.getClass().getDeclaredMethod("writeCommandWithKey", Long.class,
                    UnifiedRecordValue.class, RecordMetadata.class);
            writeCommandWithKey.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("ZPT internals changed: this adapter is pinned to zeebe-process-test "
                    + PINNED_ZPT_VERSION + " (InMemoryEngine.gateway.writer.writeCommandWithKey); found "
                    + engine.getClass().getName() + ". Update ZptCommandWriter for the ZPT version in pom.xml.", e);
        }
    }

    void write(ValueType valueType, Intent intent, long key, UnifiedRecordValue value) {
        RecordMetadata metadata = new RecordMetadata().recordType(RecordType.COMMAND).valueType(valueType)
                .intent(intent);
        try {
            writeCommandWithKey.invoke(commandWriter, key, value, metadata);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("writing " + valueType + " " + intent + " failed", e.getCause());
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
