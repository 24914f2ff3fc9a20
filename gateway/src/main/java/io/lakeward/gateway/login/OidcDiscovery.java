package io.lakeward.gateway.login;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import io.lakeward.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each issuer's endpoints, read from its discovery document ({@code <issuer>/.well-known/openid-configuration})
 * and checked before anything is sent there (OpenID Connect Discovery 1.0, section 4.3, and what
 * this relying party needs): the document's {@code issuer} is exactly the issuer it was fetched
 * for (so a document cannot hand one tenant's login to another issuer), every endpoint is an
 * absolute https URL, the code flow is offered, PKCE offers S256 if the issuer lists methods, and
 * ID tokens can be signed with the algorithm the issuer is pinned to. A document that fails any check is refused whole, naming what is
 * wrong. The last good endpoints of each issuer are remembered: logins refetch them (a login also
 * proves the issuer is reachable), everything else reuses them. Blocking: call on a worker pool.
 */
public final class OidcDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(OidcDiscovery.class);
    private static final ObjectMapper JSON = Json.newMapper();
    private static final int MAXIMUM_DOCUMENT_LENGTH = 64 * 1024;

    private final ResourceRetriever retriever;
    private final Function<URI, JWSAlgorithm> pinned;
    private final long retryIntervalNanos;
    private final Map<String, OidcEndpoints> known = new ConcurrentHashMap<>();
    private final Map<String, Long> lastFailure = new ConcurrentHashMap<>();

    /**
     * @param retryInterval after a failed discovery, {@link #endpoints} asks the issuer again only
     *        this much later: tokens naming an issuer that is down (a back-channel logout needs no
     *        credential at all) cannot make the gateway fetch its document at their rate
     */
    public OidcDiscovery(ResourceRetriever retriever, Function<URI, JWSAlgorithm> pinned, Duration retryInterval) {
        this.retriever = retriever;
        this.pinned = pinned;
        this.retryIntervalNanos = retryInterval.toNanos();
    }

    /** Fetches over TLS with {@code trust}, each fetch bounded by {@code timeout}. */
    public OidcDiscovery(Duration timeout, SSLSocketFactory trust, Function<URI, JWSAlgorithm> pinned, Duration retryInterval) {
        this(new DefaultResourceRetriever(Math.toIntExact(timeout.toMillis()), Math.toIntExact(timeout.toMillis()), MAXIMUM_DOCUMENT_LENGTH,
                true, trust), pinned, retryInterval);
    }

    /** A discovery document that cannot be used; the message says why. */
    public static final class InvalidDiscovery extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidDiscovery(URI issuer, String problem) {
            super("the discovery document of " + issuer + " " + problem);
        }
    }

    /** Fetches and checks {@code issuer}'s document now, whenever it last failed, and remembers its endpoints. */
    public OidcEndpoints discover(URI issuer) throws IOException {
        OidcEndpoints endpoints;
        try {
            endpoints = parse(issuer, retriever.retrieveResource(OidcDiscovery.discoveryUrl(issuer)).getContent(), pinned.apply(issuer));
        } catch (IOException e) {
            lastFailure.put(issuer.toString(), System.nanoTime());
            throw e;
        }
        lastFailure.remove(issuer.toString());
        OidcEndpoints previous = known.put(issuer.toString(), endpoints);
        if (previous != null && !previous.equals(endpoints)) {
            LOG.info("the endpoints of {} changed: {}", issuer, endpoints);
        }
        return endpoints;
    }

    /**
     * The endpoints last discovered for {@code issuer}, discovering them now if there are none,
     * unless the last attempt failed less than the retry interval ago.
     */
    public OidcEndpoints endpoints(URI issuer) throws IOException {
        OidcEndpoints endpoints = known.get(issuer.toString());
        if (endpoints != null) {
            return endpoints;
        }
        Long failed = lastFailure.get(issuer.toString());
        if (failed != null && System.nanoTime() - failed < retryIntervalNanos) {
            throw new IOException("the discovery document of " + issuer + " could not be had less than "
                    + Duration.ofNanos(retryIntervalNanos) + " ago");
        }
        return discover(issuer);
    }

    /**
     * The issuer's key set at the {@code jwks_uri} of its discovery document, as {@code build} makes
     * a source for a URL. The document is read on the first key asked for, not here (blocking, on
     * the caller's worker); until it has been read, each use asks again, within the retry interval.
     */
    public JWKSource<SecurityContext> keySet(URI issuer, Function<URL, JWKSource<SecurityContext>> build) {
        return new JWKSource<>() {
            private volatile JWKSource<SecurityContext> built;

            @Override
            public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
                JWKSource<SecurityContext> source = built;
                if (source == null) {
                    synchronized (this) {
                        if (built == null) {
                            try {
                                built = build.apply(endpoints(issuer).keys().toURL());
                            } catch (IOException e) {
                                throw new KeySourceException("cannot learn where " + issuer + " publishes its keys: " + e.getMessage(), e);
                            }
                        }
                        source = built;
                    }
                }
                return source.get(selector, context);
            }
        };
    }

    /** The endpoints last discovered for {@code issuer}, without any I/O. */
    public Optional<OidcEndpoints> known(URI issuer) {
        return Optional.ofNullable(known.get(issuer.toString()));
    }

    private static java.net.URL discoveryUrl(URI issuer) throws IOException {
        return OidcEndpoints.discoveryDocument(issuer).toURL();
    }

    /** The endpoints of a discovery document fetched for {@code issuer}, or why it cannot be used. */
    static OidcEndpoints parse(URI issuer, String content, JWSAlgorithm idTokenAlgorithm) throws InvalidDiscovery {
        if (content == null || content.length() > MAXIMUM_DOCUMENT_LENGTH) {
            throw new InvalidDiscovery(issuer, "is missing or larger than " + MAXIMUM_DOCUMENT_LENGTH + " characters");
        }
        JsonNode document;
        try {
            document = JSON.readTree(content);
        } catch (IOException e) {
            throw new InvalidDiscovery(issuer, "is not JSON");
        }
        if (document == null || !document.isObject()) {
            throw new InvalidDiscovery(issuer, "is not a JSON object");
        }
        String named = document.path("issuer").asText(null);
        if (!issuer.toString().equals(named)) {
            throw new InvalidDiscovery(issuer, "names the issuer " + named + ", not " + issuer);
        }
        List<String> problems = new ArrayList<>();
        URI authorization = https(document, "authorization_endpoint", true, problems);
        URI token = https(document, "token_endpoint", true, problems);
        URI keys = https(document, "jwks_uri", true, problems);
        URI endSession = https(document, "end_session_endpoint", false, problems);
        if (!lists(document, "response_types_supported", "code", true)) {
            problems.add("response_types_supported does not offer code");
        }
        if (!lists(document, "code_challenge_methods_supported", "S256", false)) {
            problems.add("code_challenge_methods_supported does not offer S256");
        }
        if (!lists(document, "id_token_signing_alg_values_supported", idTokenAlgorithm.getName(), true)) {
            problems.add("id_token_signing_alg_values_supported does not offer " + idTokenAlgorithm.getName() + ", the algorithm the issuer is pinned to");
        }
        if (!problems.isEmpty()) {
            throw new InvalidDiscovery(issuer, "cannot be used: " + String.join("; ", problems));
        }
        return new OidcEndpoints(issuer, authorization, token, endSession, keys);
    }

    private static URI https(JsonNode document, String member, boolean required, List<String> problems) {
        JsonNode value = document.get(member);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(member + " is missing");
            }
            return null;
        }
        try {
            URI uri = value.isTextual() ? new URI(value.textValue()) : null;
            if (uri != null && "https".equals(uri.getScheme()) && uri.getHost() != null && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        problems.add(member + " is not an absolute https URL without a fragment");
        return null;
    }

    /** Whether the array {@code member} lists {@code value}; a missing member counts as listing it unless it is required. */
    private static boolean lists(JsonNode document, String member, String value, boolean required) {
        JsonNode values = document.get(member);
        if (values == null) {
            return !required;
        }
        if (!values.isArray()) {
            return false;
        }
        for (JsonNode entry : values) {
            if (value.equals(entry.asText(null))) {
                return true;
            }
        }
        return false;
    }
}
