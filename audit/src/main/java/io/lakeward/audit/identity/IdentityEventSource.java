package io.lakeward.audit.identity;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;

/**
 * Where the identity provider's own user events come from: a page of a tenant realm's stored
 * events of the given types, newest first, from a day on (Keycloak's admin events API).
 */
@FunctionalInterface
public interface IdentityEventSource {
    JsonNode page(String realm, List<String> types, String dateFrom, int first, int max) throws IOException;
}
