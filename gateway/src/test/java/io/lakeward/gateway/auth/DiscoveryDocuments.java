package io.lakeward.gateway.auth;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import io.lakeward.gateway.login.OidcEndpoints;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.util.Map;

/** Serves issuers' discovery documents and one key set from memory, for verifier tests and benchmarks that need no identity provider. */
final class DiscoveryDocuments {
    private DiscoveryDocuments() {
    }

    /** Each issuer's document names its {@code jwks_uri}; the key set is served at every one of them, anything else is a 404. */
    static ResourceRetriever serving(Map<URI, URI> keySetOf, String jwks) {
        return (URL url) -> {
            for (Map.Entry<URI, URI> issuer : keySetOf.entrySet()) {
                if (url.toString().equals(OidcEndpoints.discoveryDocument(issuer.getKey()).toString())) {
                    return new Resource(document(issuer.getKey(), issuer.getValue()), "application/json");
                }
                if (url.toString().equals(issuer.getValue().toString())) {
                    return new Resource(jwks, "application/json");
                }
            }
            throw new IOException("HTTP 404 for " + url);
        };
    }

    static String document(URI issuer, URI keys) {
        return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\"" + issuer
                + "/token\",\"jwks_uri\":\"" + keys + "\",\"response_types_supported\":[\"code\"],"
                + "\"code_challenge_methods_supported\":[\"S256\"],\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\"]}";
    }
}
