package io.lakeward.audit.client.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.common.json.Json;

/**
 * The JSON form of {@link AuditEvent}: the platform mapper ({@link Json#newMapper()}); the schema's
 * snake_case names and id forms are declared on the records themselves, so the audit service
 * reads with any mapper from {@link Json#newMapper()} exactly what a client wrote.
 */
public final class AuditJson {
    private AuditJson() {
    }

    /** A new mapper for audit events; thread-safe, build one per component. */
    public static ObjectMapper newMapper() {
        return Json.newMapper();
    }
}
