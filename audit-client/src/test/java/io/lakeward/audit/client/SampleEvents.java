package io.lakeward.audit.client;

import io.lakeward.audit.client.event.Actor;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.event.PolicyDecision;
import io.lakeward.audit.client.event.ResourceReference;
import io.lakeward.audit.client.event.Response;
import io.lakeward.audit.client.event.SessionIdHash;
import io.lakeward.audit.client.event.Source;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import java.util.LinkedHashMap;
import java.util.Map;

/** Audit events for tests: realistic, valid, and tagged with who appended them in which order. */
public final class SampleEvents {
    private SampleEvents() {
    }

    /** A notebook read by a user, tagged {@code writer} and {@code index} in its request parameters. */
    public static AuditEvent tagged(int writer, long index) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("writer", Integer.toString(writer));
        parameters.put("index", Long.toString(index));
        parameters.put("path", "/Users/ada@acme.example/reports/quarterly");
        return AuditEvent.builder()
                .tenant(TenantId.of("acme"))
                .workspaceId("ws-1")
                .service(PlatformService.WORKSPACE_SERVICE)
                .action("notebook.read")
                .actor(Actor.user("5f0c1b7e-6c1d-4a55-9b1e-2f0c7a1d9e31", "ada@acme.example", AuthenticationMethod.SESSION_COOKIE))
                .source(Source.of("192.0.2.10", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"))
                .sessionIdHash(SessionIdHash.fromSessionToken("session-" + writer))
                .requestId(RequestId.random())
                .requestParameters(parameters)
                .response(Response.of(200))
                .outcome(Outcome.SUCCESS)
                .policyDecision(new PolicyDecision("3f1d7c2a-0b8e-4c55-9a11-7e2d4b6c8f90", "r42", null))
                .touched(ResourceReference.notebook("/Users/ada@acme.example/reports/quarterly"))
                .build();
    }

    /** The writer tag of an event made by {@link #tagged}. */
    public static int writerOf(AuditEvent event) {
        return Integer.parseInt(event.requestParameters().get("writer"));
    }

    /** The index tag of an event made by {@link #tagged}. */
    public static long indexOf(AuditEvent event) {
        return Long.parseLong(event.requestParameters().get("index"));
    }
}
