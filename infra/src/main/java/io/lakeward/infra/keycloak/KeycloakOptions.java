package io.lakeward.infra.keycloak;

import io.lakeward.common.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How to run one Keycloak server: HTTPS only, on loopback, under a fixed host name.
 *
 * @param home the prepared copy of the distribution ({@link KeycloakDistribution#unpackInto})
 * @param hostname the host name in every URL Keycloak issues, e.g. {@code auth.lakeward.localhost};
 *        the issuer of realm {@code r} is {@code https://<hostname>:<httpsPort>/realms/r}
 * @param httpsPort the HTTPS port; 0 picks a free one at start ({@link KeycloakServer#httpsPort()})
 * @param managementPort the port of the management interface (health, metrics); 0 picks a free one
 * @param certificatePem the server certificate chain (PEM) for {@code hostname}, issued by the development CA
 * @param privateKeyPem the server's private key (PKCS#8 PEM)
 * @param caCertificatePem the CA that Keycloak trusts for its outbound calls (back-channel logout to
 *        the gateway) and that clients of this class trust for Keycloak; nothing else is trusted
 * @param hostsFile the name-resolution file of Keycloak's JVM ({@code -Djdk.net.hosts.file}), so the
 *        platform's {@code *.localhost} names resolve to loopback; written by the caller
 * @param adminUsername the bootstrap administrator of the master realm, created on first start
 * @param adminPassword the bootstrap administrator's password
 * @param logFile where the server's output goes (appended)
 * @param pidFile where the server's process id is written; {@code null} means {@code keycloak.pid} beside {@code home}
 * @param startTimeout how long a start may take until the server is ready
 */
public record KeycloakOptions(
        Path home,
        String hostname,
        int httpsPort,
        int managementPort,
        Path certificatePem,
        Path privateKeyPem,
        Path caCertificatePem,
        Path hostsFile,
        String adminUsername,
        Secret adminPassword,
        Path logFile,
        Path pidFile,
        Duration startTimeout) {

    private static final Pattern HOST_NAME = Pattern.compile("(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** Paths that travel inside {@code JAVA_OPTS_APPEND}, which {@code kc.sh} splits on white space. */
    private static final Pattern SAFE_JVM_OPTION_PATH = Pattern.compile("[A-Za-z0-9._/+@=:,-]+");
    private static final int MINIMUM_ADMIN_PASSWORD_LENGTH = 16;

    /** Checks every option and reports all problems at once. */
    public KeycloakOptions {
        List<String> problems = new ArrayList<>();
        if (home == null || !Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            problems.add("home: not a Keycloak distribution (no bin/kc.sh): " + home);
        }
        if (hostname == null || !HOST_NAME.matcher(hostname).matches()) {
            problems.add("hostname: must be a lowercase DNS name such as auth.lakeward.localhost, was " + hostname);
        }
        checkPort("httpsPort", httpsPort, problems);
        checkPort("managementPort", managementPort, problems);
        if (httpsPort != 0 && httpsPort == managementPort) {
            problems.add("httpsPort and managementPort must differ");
        }
        checkReadableFile("certificatePem", certificatePem, problems);
        checkReadableFile("privateKeyPem", privateKeyPem, problems);
        checkReadableFile("caCertificatePem", caCertificatePem, problems);
        checkReadableFile("hostsFile", hostsFile, problems);
        if (hostsFile != null && !SAFE_JVM_OPTION_PATH.matcher(hostsFile.toAbsolutePath().toString()).matches()) {
            problems.add("hostsFile: its path must not contain white space, quotes or shell characters: " + hostsFile);
        }
        if (adminUsername == null || !USERNAME.matcher(adminUsername).matches()) {
            problems.add("adminUsername: 1 to 64 lowercase letters, digits, '.', '_' or '-'");
        }
        if (adminPassword == null || adminPassword.reveal().length() < MINIMUM_ADMIN_PASSWORD_LENGTH || adminPassword.reveal().isBlank()) {
            problems.add("adminPassword: at least " + MINIMUM_ADMIN_PASSWORD_LENGTH + " characters");
        }
        if (logFile == null) {
            problems.add("logFile: required");
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero() || startTimeout.compareTo(Duration.ofMinutes(30)) > 0) {
            problems.add("startTimeout: between 1 ms and 30 minutes, was " + startTimeout);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid Keycloak options:\n  " + String.join("\n  ", problems));
        }
        home = home.toAbsolutePath().normalize();
        certificatePem = certificatePem.toAbsolutePath();
        privateKeyPem = privateKeyPem.toAbsolutePath();
        caCertificatePem = caCertificatePem.toAbsolutePath();
        hostsFile = hostsFile.toAbsolutePath();
        logFile = logFile.toAbsolutePath();
        pidFile = pidFile == null ? home.resolveSibling("keycloak.pid") : pidFile.toAbsolutePath();
    }

    private static void checkPort(String name, int port, List<String> problems) {
        if (port < 0 || port > 65535) {
            problems.add(name + ": 0 (pick a free one) or 1 to 65535, was " + port);
        }
    }

    private static void checkReadableFile(String name, Path file, List<String> problems) {
        if (file == null || !Files.isRegularFile(file) || !Files.isReadable(file)) {
            problems.add(name + ": not a readable file: " + file);
        }
    }
}
