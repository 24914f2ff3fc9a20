package io.lakeward.keyvault.bench;

import io.lakeward.common.id.TenantId;
import io.lakeward.keyvault.Keyvault;
import io.lakeward.keyvault.KeyvaultConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Envelope encryption (fresh data key, its wrap under the tenant KEK, payload AES-256-GCM) against
 * raw JCE AES-256-GCM with a fresh nonce and a fixed key, in the same run: the ratio is the cost of
 * the envelope. Run: see the module README.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EnvelopeBenchmark {
    @Param({"4096", "65536", "1048576"})
    public int size;

    private static final TenantId TENANT = TenantId.of("bench");
    private Keyvault keyvault;
    private byte[] plaintext;
    private byte[] envelope;
    private SecretKey rawKey;
    private byte[] rawNonce;
    private byte[] rawCiphertext;
    private final SecureRandom random = new SecureRandom();

    @Setup
    public void setUp() throws Exception {
        Path state = Files.createTempDirectory("envelope-bench");
        keyvault = Keyvault.open(new KeyvaultConfig(Optional.empty(), state.resolve("master.key"), state.resolve("keys.bcfks"), 0,
                Duration.ofMinutes(15)), Clock.systemUTC());
        keyvault.ensureTenantKey(TENANT);
        plaintext = new byte[size];
        random.nextBytes(plaintext);
        envelope = keyvault.cipher().encrypt(TENANT, "object", plaintext);
        byte[] key = new byte[32];
        random.nextBytes(key);
        rawKey = new SecretKeySpec(key, "AES");
        rawNonce = new byte[12];
        random.nextBytes(rawNonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, rawNonce));
        rawCiphertext = cipher.doFinal(plaintext);
        // JCE's AES-GCM runs interpreted (~40 MB/s here) until its intrinsics are compiled, which takes many calls;
        // a few large calls never get there. Warm both paths with small calls first, so every benchmark measures
        // the compiled code and the ratio compares like with like.
        byte[] small = new byte[4096];
        for (int i = 0; i < 30_000; i++) {
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            Cipher warm = Cipher.getInstance("AES/GCM/NoPadding");
            warm.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
            byte[] sealed = warm.doFinal(small);
            Cipher open = Cipher.getInstance("AES/GCM/NoPadding");
            open.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
            open.doFinal(sealed);
            keyvault.cipher().decrypt(TENANT, "warm", keyvault.cipher().encrypt(TENANT, "warm", small));
        }
    }

    @Benchmark
    public byte[] envelopeEncrypt() {
        return keyvault.cipher().encrypt(TENANT, "object", plaintext);
    }

    @Benchmark
    public byte[] envelopeDecrypt() {
        return keyvault.cipher().decrypt(TENANT, "object", envelope);
    }

    @Benchmark
    public byte[] rawJceEncrypt() throws Exception {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
        return cipher.doFinal(plaintext);
    }

    @Benchmark
    public byte[] rawJceDecrypt() throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, rawNonce));
        return cipher.doFinal(rawCiphertext);
    }
}
