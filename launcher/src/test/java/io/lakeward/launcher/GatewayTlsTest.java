package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway speaks TLS 1.3 and 1.2 only. Probed with OpenSSL's client, which (unlike the JDK's,
 * where TLS 1.1 is disabled on the client side too) can still offer the old versions when told to,
 * so a refusal shows the server's choice.
 */
class GatewayTlsTest {
    private static RunningPlatform platform;

    @BeforeAll
    static void start() {
        platform = RunningPlatform.get();
    }

    @Test
    void tls13And12AreAcceptedAndTls11And10Refused() throws Exception {
        String tls13 = handshake("-tls1_3");
        assertTrue(tls13.contains("TLSv1.3") && tls13.contains("Verify return code: 0 (ok)"), tls13);
        String tls12 = handshake("-tls1_2");
        assertTrue(tls12.contains("TLSv1.2") && tls12.contains("Verify return code: 0 (ok)"), tls12);
        for (String old : List.of("-tls1_1", "-tls1")) {
            String output = handshake(old);
            // the server answers the old version with a protocol_version alert; the client was willing
            assertTrue(output.contains("alert protocol version") || output.contains("unsupported protocol")
                    || output.contains("wrong version number"), old + ": " + output);
            assertTrue(!output.contains("BEGIN CERTIFICATE") && !output.contains("Cipher is ECDHE"), old + " negotiated: " + output);
        }
    }

    private static String handshake(String version) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", version,
                "-connect", "127.0.0.1:" + platform.config.gateway().port(),
                "-servername", "acme." + platform.config.baseDomain(),
                "-CAfile", platform.config.state().caCertificate().toString()));
        if (version.equals("-tls1_1") || version.equals("-tls1")) {
            // OpenSSL 3 refuses to offer them at its default security level: lower it for the probe only
            command.add("-cipher");
            command.add("DEFAULT@SECLEVEL=0");
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("openssl s_client did not finish");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (output.contains("No such file") || output.contains("not found")) {
            throw new AssertionError("openssl is required for this test: " + output);
        }
        return output;
    }
}
