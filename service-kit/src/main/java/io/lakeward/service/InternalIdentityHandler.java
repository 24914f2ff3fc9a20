package io.lakeward.service;

import io.lakeward.common.identity.InternalIdentity;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.common.error.LakewardException;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of every internal API route: the request must carry the gateway's assertion
 * for this service, or it is refused with 401. A service reached directly on loopback therefore
 * cannot be fooled by a caller that claims a tenant or a user in headers, body or path.
 */
public final class InternalIdentityHandler {
    private static final String KEY = "lakeward.internalIdentity";

    private final InternalIdentityVerifier verifier;

    public InternalIdentityHandler(InternalIdentityVerifier verifier) {
        this.verifier = verifier;
    }

    public void handle(RoutingContext context) {
        try {
            InternalIdentity identity = verifier.verify(context.request().getHeader(InternalIdentitySigner.HEADER));
            context.put(KEY, identity);
            RequestIds.adopt(context, identity.requestId());
        } catch (LakewardException e) {
            context.fail(e);
            return;
        }
        context.next();
    }

    /** The verified identity of this request; only on routes behind {@link #handle}. */
    public static InternalIdentity of(RoutingContext context) {
        InternalIdentity identity = context.get(KEY);
        if (identity == null) {
            throw new IllegalStateException("the internal identity check did not run for this route");
        }
        return identity;
    }
}
