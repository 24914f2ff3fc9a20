package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jwt.SignedJWT;
import io.lakeward.audit.client.event.ActorType;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.id.TenantId;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every public request leaves exactly one event in the gateway's durable audit outbox, written
 * before its answer. (Another tenant's token is checked in {@link GatewayTokenTest}, on its one
 * cross-tenant request: a repeat within 30 s would meet the issuer key source's refetch limit.)
 */
class GatewayAuditTest {
    private static final String ME = "/api/2.0/preview/scim/v2/Me";
    private static RunningPlatform platform;
    private static String acmeToken;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.get();
        acmeToken = platform.serviceAccountToken("acme");
    }

    /** The one event of the request that got {@code response}, read from the outbox on disk. */
    private static AuditEvent eventOf(HttpResponse<String> response) {
        List<AuditEvent> events = platform.auditEventsOf(response);
        assertEquals(1, events.size(), "events of the request: " + events);
        AuditEvent event = events.get(0);
        assertEquals(PlatformService.GATEWAY, event.service());
        assertEquals(response.statusCode(), event.response().statusCode());
        return event;
    }

    @Test
    void anAllowedRequestIsAuditedWithItsServiceAccount() throws Exception {
        HttpResponse<String> response = platform.get(platform.tenantUrl("acme", ME), acmeToken);
        assertEquals(200, response.statusCode(), response.body());
        AuditEvent event = eventOf(response);
        assertEquals(TenantId.of("acme"), event.tenantId());
        assertEquals("identity.read_self", event.action());
        assertEquals(ActorType.SERVICE, event.actor().type());
        assertEquals(SignedJWT.parse(acmeToken).getJWTClaimsSet().getSubject(), event.actor().id());
        assertEquals(AuthenticationMethod.BEARER_TOKEN, event.actor().authenticationMethod());
        assertEquals(Outcome.SUCCESS, event.outcome());
        assertNull(event.response().errorCode());
    }

    @Test
    void aRequestWithoutCredentialsIsAuditedAsDenied() throws Exception {
        HttpResponse<String> response = platform.get(platform.tenantUrl("acme", ME), null);
        assertEquals(401, response.statusCode());
        AuditEvent event = eventOf(response);
        assertEquals(TenantId.of("acme"), event.tenantId());
        assertEquals("identity.read_self", event.action());
        assertEquals(ActorType.ANONYMOUS, event.actor().type());
        assertEquals(AuthenticationMethod.NONE, event.actor().authenticationMethod());
        assertEquals(Outcome.DENIED, event.outcome());
        assertEquals(ErrorCode.UNAUTHENTICATED, event.response().errorCode());
    }

    @Test
    void aRequestToAnUnknownHostIsAuditedAtPlatformLevel() throws Exception {
        HostsFile.write(platform.config.hostsFile(), List.of("stranger." + platform.config.baseDomain()));
        HttpResponse<String> response = platform.get(platform.tenantUrl("stranger", ME), acmeToken);
        assertEquals(404, response.statusCode());
        AuditEvent event = eventOf(response);
        assertNull(event.tenantId());
        assertEquals("gateway.unknown_tenant", event.action());
        assertEquals(Outcome.FAILURE, event.outcome());
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, event.response().errorCode());
    }
}
