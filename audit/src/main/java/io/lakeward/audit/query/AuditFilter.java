package io.lakeward.audit.query;

import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.ResourceReference;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which events a query or a filtered export view selects: a time range (from inclusive, to
 * exclusive) and optional exact matches on actor (id or name), action, resource (the name of a
 * touched resource, or {@code type:name}) and outcome. Absent criteria match everything.
 */
public record AuditFilter(Instant from, Instant to, String actor, String action, String resource, Outcome outcome) {
    public AuditFilter {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("the start of the time range must be before its end");
        }
    }

    public static AuditFilter between(Instant from, Instant to) {
        return new AuditFilter(from, to, null, null, null, null);
    }

    /** The same criteria restricted to one actor (the "my access" view). */
    public AuditFilter withActor(String actorId) {
        return new AuditFilter(from, to, actorId, action, resource, outcome);
    }

    public boolean inRange(Instant time) {
        return !time.isBefore(from) && time.isBefore(to);
    }

    public boolean matches(AuditEvent event) {
        if (!inRange(event.time())) {
            return false;
        }
        if (actor != null && !actor.equals(event.actor().id()) && !actor.equals(event.actor().name())) {
            return false;
        }
        if (action != null && !action.equals(event.action())) {
            return false;
        }
        if (outcome != null && outcome != event.outcome()) {
            return false;
        }
        if (resource != null) {
            boolean touched = false;
            for (ResourceReference reference : event.dataTouched()) {
                if (resource.equals(reference.name()) || resource.equals(reference.type() + ":" + reference.name())) {
                    touched = true;
                    break;
                }
            }
            return touched;
        }
        return true;
    }

    /** Whether any criterion besides the time range is set. */
    public boolean narrowed() {
        return actor != null || action != null || resource != null || outcome != null;
    }

    /** The criteria as text, for the manifest and the audit event of the query. */
    public Map<String, String> describe() {
        Map<String, String> description = new LinkedHashMap<>();
        description.put("start_time", from.toString());
        description.put("end_time", to.toString());
        if (actor != null) {
            description.put("actor", actor);
        }
        if (action != null) {
            description.put("action", action);
        }
        if (resource != null) {
            description.put("resource", resource);
        }
        if (outcome != null) {
            description.put("outcome", outcome.name());
        }
        return description;
    }
}
