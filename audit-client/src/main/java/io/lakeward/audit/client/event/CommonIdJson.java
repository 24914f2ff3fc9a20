package io.lakeward.audit.client.event;

import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;

/**
 * JSON forms of the {@code common} ids used in the schema: the plain string, as their
 * {@code toString()} gives it. Declared on the fields so that any mapper reads the schema alike.
 */
final class CommonIdJson {
    private CommonIdJson() {
    }

    static final class TenantIdDeserializer extends FromStringDeserializer<TenantId> {
        private static final long serialVersionUID = 1L;

        TenantIdDeserializer() {
            super(TenantId.class);
        }

        @Override
        protected TenantId _deserialize(String value, DeserializationContext context) {
            return TenantId.of(value);
        }
    }

    static final class RequestIdDeserializer extends FromStringDeserializer<RequestId> {
        private static final long serialVersionUID = 1L;

        RequestIdDeserializer() {
            super(RequestId.class);
        }

        @Override
        protected RequestId _deserialize(String value, DeserializationContext context) {
            return new RequestId(value);
        }
    }
}
