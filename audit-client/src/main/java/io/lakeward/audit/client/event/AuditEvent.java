package io.lakeward.audit.client.event;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one audit event of the platform: every service emits exactly this, serialized with Jackson
 * to snake_case JSON (see the module README for the field table). It records who
 * ({@link #actor}), what ({@link #action}, {@link #dataTouched}), when ({@link #time}, UTC), where
 * ({@link #source}, {@link #service}), which request ({@link #requestId}, {@link #sessionIdHash}),
 * the outcome, and the policy decision behind it: the fields of PCI DSS 10.2.2 and NIST AU-3.
 *
 * <p>Every instance is valid: the canonical constructor (also used when JSON is read) checks each
 * field, refuses request parameters that are not redacted and a workspace without a tenant.
 * Build events with {@link #builder()}.
 *
 * @param tenantId          {@code null} only for a platform-level event (then there is no workspace)
 * @param workspaceId       {@code null} when the action concerns no single workspace
 * @param action            dotted lowercase words, {@code <resource>.<verb>}, e.g. {@code notebook.read}
 * @param sessionIdHash     {@code null} without a session; never the session token itself
 * @param requestParameters already redacted by {@link Redactor}
 * @param response          {@code null} when the action had no HTTP answer
 * @param policyDecision    {@code null} when no policy was consulted (e.g. authentication failed)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AuditEvent(
        int schemaVersion,
        AuditEventId eventId,
        Instant time,
        @JsonSerialize(using = ToStringSerializer.class)
        @JsonDeserialize(using = CommonIdJson.TenantIdDeserializer.class)
        TenantId tenantId,
        String workspaceId,
        PlatformService service,
        String action,
        Actor actor,
        Source source,
        SessionIdHash sessionIdHash,
        @JsonSerialize(using = ToStringSerializer.class)
        @JsonDeserialize(using = CommonIdJson.RequestIdDeserializer.class)
        RequestId requestId,
        Map<String, String> requestParameters,
        Response response,
        Outcome outcome,
        PolicyDecision policyDecision,
        List<ResourceReference> dataTouched) {

    /** The schema version this code writes and reads. */
    public static final int SCHEMA_VERSION = 1;
    public static final int MAX_DATA_TOUCHED = 128;
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
    private static final int MAX_ACTION_LENGTH = 128;
    private static final Pattern WORKSPACE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public AuditEvent {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported audit schema version " + schemaVersion);
        }
        Objects.requireNonNull(eventId, "event id");
        Objects.requireNonNull(time, "time");
        if (workspaceId != null && !WORKSPACE_ID.matcher(workspaceId).matches()) {
            throw new IllegalArgumentException("workspace id is 1 to 64 letters, digits or . _ -");
        }
        if (tenantId == null && workspaceId != null) {
            throw new IllegalArgumentException("a workspace event must name its tenant; only platform-level events have none");
        }
        Objects.requireNonNull(service, "service");
        if (action == null || action.length() > MAX_ACTION_LENGTH || !ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("action is dotted lowercase words like notebook.read, at most 128 characters");
        }
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(requestId, "request id");
        requestParameters = requestParameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(requestParameters));
        if (!Redactor.isRedacted(requestParameters)) {
            throw new IllegalArgumentException("request parameters must be passed through Redactor before they are audited");
        }
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Outcome.SUCCESS && response != null && response.errorCode() != null) {
            throw new IllegalArgumentException("a successful event carries no error code");
        }
        dataTouched = dataTouched == null ? List.of() : List.copyOf(dataTouched);
        if (dataTouched.size() > MAX_DATA_TOUCHED) {
            throw new IllegalArgumentException("an audit event names at most " + MAX_DATA_TOUCHED + " resources");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds an {@link AuditEvent}. Required: {@link #service}, {@link #action}, {@link #actor},
     * {@link #source}, {@link #requestId}, {@link #outcome}, and either {@link #tenant} or
     * {@link #platformLevel()} (so that a forgotten tenant is an error, not a platform event).
     * The event id is random and the time is now unless set. {@link #build()} reports every
     * missing field at once.
     */
    public static final class Builder {
        private AuditEventId eventId;
        private Instant time;
        private Clock clock = Clock.systemUTC();
        private TenantId tenantId;
        private boolean platformLevel;
        private String workspaceId;
        private PlatformService service;
        private String action;
        private Actor actor;
        private Source source;
        private SessionIdHash sessionIdHash;
        private RequestId requestId;
        private Map<String, String> requestParameters = Map.of();
        private Response response;
        private Outcome outcome;
        private PolicyDecision policyDecision;
        private final List<ResourceReference> dataTouched = new ArrayList<>();

        private Builder() {
        }

        public Builder eventId(AuditEventId eventId) {
            this.eventId = eventId;
            return this;
        }

        public Builder time(Instant time) {
            this.time = time;
            return this;
        }

        /** The clock that stamps the event when no time is set. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder tenant(TenantId tenantId) {
            this.tenantId = tenantId;
            return this;
        }

        /** Marks an event that belongs to no tenant (platform operations, a request for an unknown host). */
        public Builder platformLevel() {
            this.platformLevel = true;
            return this;
        }

        public Builder workspaceId(String workspaceId) {
            this.workspaceId = workspaceId;
            return this;
        }

        public Builder service(PlatformService service) {
            this.service = service;
            return this;
        }

        public Builder action(String action) {
            this.action = action;
            return this;
        }

        public Builder actor(Actor actor) {
            this.actor = actor;
            return this;
        }

        public Builder source(Source source) {
            this.source = source;
            return this;
        }

        public Builder sessionIdHash(SessionIdHash sessionIdHash) {
            this.sessionIdHash = sessionIdHash;
            return this;
        }

        public Builder requestId(RequestId requestId) {
            this.requestId = requestId;
            return this;
        }

        /** The request's parameters, redacted here with {@link Redactor#standard()}. */
        public Builder requestParameters(Map<String, String> parameters) {
            return requestParameters(parameters, Redactor.standard());
        }

        /** The request's parameters, redacted here with {@code redactor}. */
        public Builder requestParameters(Map<String, String> parameters, Redactor redactor) {
            this.requestParameters = redactor.redact(parameters);
            return this;
        }

        public Builder response(Response response) {
            this.response = response;
            return this;
        }

        public Builder outcome(Outcome outcome) {
            this.outcome = outcome;
            return this;
        }

        public Builder policyDecision(PolicyDecision policyDecision) {
            this.policyDecision = policyDecision;
            return this;
        }

        public Builder touched(ResourceReference resource) {
            this.dataTouched.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        public Builder touched(List<ResourceReference> resources) {
            resources.forEach(this::touched);
            return this;
        }

        /** The event; throws {@link IllegalArgumentException} naming every missing or invalid field. */
        public AuditEvent build() {
            List<String> missing = new ArrayList<>();
            if (tenantId == null && !platformLevel) {
                missing.add("tenant (or platformLevel())");
            }
            if (tenantId != null && platformLevel) {
                missing.add("either a tenant or platformLevel(), not both");
            }
            if (service == null) {
                missing.add("service");
            }
            if (action == null) {
                missing.add("action");
            }
            if (actor == null) {
                missing.add("actor");
            }
            if (source == null) {
                missing.add("source");
            }
            if (requestId == null) {
                missing.add("request id");
            }
            if (outcome == null) {
                missing.add("outcome");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("an audit event needs: " + String.join(", ", missing));
            }
            return new AuditEvent(
                    SCHEMA_VERSION,
                    eventId != null ? eventId : AuditEventId.random(),
                    time != null ? time : clock.instant(),
                    tenantId,
                    workspaceId,
                    service,
                    action,
                    actor,
                    source,
                    sessionIdHash,
                    requestId,
                    requestParameters,
                    response,
                    outcome,
                    policyDecision,
                    dataTouched);
        }
    }
}
