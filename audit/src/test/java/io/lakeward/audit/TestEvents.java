package io.lakeward.audit;

import io.lakeward.audit.client.event.Actor;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.event.ResourceReference;
import io.lakeward.audit.client.event.Response;
import io.lakeward.audit.client.event.Source;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import java.time.Instant;
import java.util.Map;

/** Realistic audit events for the audit module's tests. */
public final class TestEvents {
    private TestEvents() {
    }

    public static AuditEvent read(String tenant, String user, String notebook, Instant time) {
        return event(tenant, user, "notebook.read", Outcome.SUCCESS, notebook, time);
    }

    public static AuditEvent event(String tenant, String user, String action, Outcome outcome, String notebook, Instant time) {
        return AuditEvent.builder()
                .tenant(TenantId.of(tenant))
                .workspaceId("ws-1")
                .service(PlatformService.GATEWAY)
                .action(action)
                .actor(Actor.user("sub-" + user, user + "@" + tenant + ".example", AuthenticationMethod.BEARER_TOKEN))
                .source(Source.of("192.0.2.10", "curl/8.0"))
                .requestId(RequestId.random())
                .requestParameters(Map.of("path", notebook))
                .response(outcome == Outcome.SUCCESS ? Response.of(200) : new Response(403, io.lakeward.common.error.ErrorCode.PERMISSION_DENIED))
                .outcome(outcome)
                .touched(ResourceReference.notebook(notebook))
                .time(time)
                .build();
    }
}
