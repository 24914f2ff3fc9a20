package io.lakeward.audit.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lakeward.keyvault.signing.AuditPublicKey;
import io.lakeward.keyvault.signing.AuditSigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A signed statement that the records {@code firstSequence..lastSequence} of one log end in
 * {@code chainHead} (the hash of record {@code lastSequence}), made at {@code time} under the key
 * with {@code keyFingerprint}. The signature is Ed25519 over {@link #signedBytes()}:
 *
 * <pre>
 *   lakeward-audit-checkpoint-v1 LF log=... LF first=... LF last=... LF head=... LF time=... LF key=... LF
 * </pre>
 *
 * Consecutive checkpoints of a log cover consecutive ranges, so together they sign the whole chain.
 * Stored one JSON object per line in the log's {@code checkpoints.log}.
 */
public record SignedCheckpoint(
        @JsonProperty("log") String log,
        @JsonProperty("first_sequence") long firstSequence,
        @JsonProperty("last_sequence") long lastSequence,
        @JsonProperty("chain_head") String chainHead,
        @JsonProperty("time") Instant time,
        @JsonProperty("key_fingerprint") String keyFingerprint,
        @JsonProperty("signature") String signature) {

    public SignedCheckpoint {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(chainHead, "chain head");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(keyFingerprint, "key fingerprint");
        Objects.requireNonNull(signature, "signature");
        if (firstSequence < 1 || lastSequence < firstSequence) {
            throw new IllegalArgumentException("a checkpoint covers a non-empty range of positive sequences");
        }
    }

    /** Signs the statement for the given range with {@code key}. */
    public static SignedCheckpoint sign(String log, long firstSequence, long lastSequence, String chainHead, Instant time, AuditSigningKey key) {
        byte[] statement = statement(log, firstSequence, lastSequence, chainHead, time, key.fingerprint());
        return new SignedCheckpoint(log, firstSequence, lastSequence, chainHead, time, key.fingerprint(), key.signBase64(statement));
    }

    /** The bytes the signature covers. */
    public byte[] signedBytes() {
        return statement(log, firstSequence, lastSequence, chainHead, time, keyFingerprint);
    }

    /** Whether the signature is {@code key}'s over this statement and the statement names that key. */
    public boolean verifiesWith(AuditPublicKey key) {
        return key.fingerprint().equals(keyFingerprint) && key.verifiesBase64(signedBytes(), signature);
    }

    private static byte[] statement(String log, long first, long last, String head, Instant time, String fingerprint) {
        return ("lakeward-audit-checkpoint-v1\nlog=" + log + "\nfirst=" + first + "\nlast=" + last + "\nhead=" + head
                + "\ntime=" + time + "\nkey=" + fingerprint + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
