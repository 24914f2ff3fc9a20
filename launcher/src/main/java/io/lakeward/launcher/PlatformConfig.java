package io.lakeward.launcher;

import io.lakeward.audit.AuditConfig;
import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;
import io.lakeward.common.id.TenantId;
import io.lakeward.compute.ComputeConfig;
import io.lakeward.gateway.GatewayConfig;
import io.lakeward.keyvault.KeyvaultConfig;
import io.lakeward.gateway.session.SessionConfig;
import io.lakeward.metastore.MetastoreConfig;
import io.lakeward.workspace.WorkspaceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one configuration record of the platform process, built once in {@code main} and validated
 * as a whole: every problem is reported at once. Keys are listed in the README.
 */
public record PlatformConfig(
        Path stateDirectory,
        Path hostsFile,
        String baseDomain,
        int keycloakPort,
        int keycloakManagementPort,
        Duration startTimeout,
        List<DemoTenant> demoTenants,
        MetastoreConfig metastore,
        GatewayConfig gateway,
        SessionConfig sessions,
        WorkspaceConfig workspace,
        ComputeConfig compute,
        AuditConfig audit,
        KeyvaultConfig keyvault,
        Duration certificateRenewBefore,
        boolean providedGatewayCertificate,
        PolicyConfig policy) {

    private static final Pattern DOMAIN = Pattern.compile("(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");

    public PlatformConfig {
        demoTenants = List.copyOf(demoTenants);
    }

    /** A tenant the embedded default provisions with demo users. */
    public record DemoTenant(TenantId id, String displayName) {
    }

    public StateDirectory state() {
        return new StateDirectory(stateDirectory);
    }

    /** The host name Keycloak is served at: {@code auth.<base-domain>}. */
    public String identityProviderHost() {
        return "auth." + baseDomain;
    }

    /** The issuer of a tenant whose realm lives in the platform's Keycloak. */
    public java.net.URI issuer(TenantId tenant) {
        return java.net.URI.create("https://" + identityProviderHost() + ":" + keycloakPort + "/realms/" + tenant.value());
    }

    public static PlatformConfig load(ConfigSource source) {
        ConfigProblems problems = new ConfigProblems();
        Path state = source.path("platform.state-dir", defaultStateDirectory()).toAbsolutePath().normalize();
        String baseDomain = source.string("platform.base-domain", "lakeward.localhost").toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(baseDomain).matches()) {
            problems.add("platform.base-domain", "must be a DNS name such as lakeward.localhost");
        }
        int keycloakPort = source.port("keycloak.port", 9543, problems);
        int keycloakManagementPort = source.port("keycloak.management-port", 9544, problems);
        Duration startTimeout = source.duration("platform.start-timeout", Duration.ofMinutes(3), problems);
        List<DemoTenant> demoTenants = demoTenants(source.string("platform.demo-tenants", "acme=Acme Corporation,globex=Globex Corporation"), problems);
        StateDirectory layout = new StateDirectory(state);
        // production certificates come from files the operator renews; otherwise the development CA issues them
        Optional<Path> certificateFile = source.raw("gateway.tls.certificate-file").map(Path::of);
        Optional<Path> keyFile = source.raw("gateway.tls.private-key-file").map(Path::of);
        if (certificateFile.isPresent() != keyFile.isPresent()) {
            problems.add("gateway.tls.certificate-file", "give both gateway.tls.certificate-file and gateway.tls.private-key-file, or neither");
        }
        boolean provided = certificateFile.isPresent() && keyFile.isPresent();
        Duration renewBefore = source.duration("keyvault.tls.renew-before", Duration.ofDays(30), problems);
        if (renewBefore.compareTo(Duration.ofDays(89)) > 0) {
            problems.add("keyvault.tls.renew-before", "must be shorter than the 90-day validity of development certificates");
            renewBefore = Duration.ofDays(30);
        }
        GatewayConfig gateway = GatewayConfig.from(source, problems, baseDomain,
                provided ? certificateFile.get().toAbsolutePath() : layout.certificate("gateway"),
                provided ? keyFile.get().toAbsolutePath() : layout.privateKey("gateway"), layout.caCertificate(),
                "https://auth." + baseDomain + ":" + keycloakPort + "/realms/");
        // this JVM resolves the platform's names through the file named at its start, if any
        Path hostsFile = Optional.ofNullable(System.getProperty("jdk.net.hosts.file")).map(Path::of).orElse(layout.hostsFile());
        PlatformConfig config = new PlatformConfig(state, hostsFile.toAbsolutePath(), baseDomain, keycloakPort, keycloakManagementPort, startTimeout, demoTenants,
                MetastoreConfig.from(source, problems, state), gateway, SessionConfig.from(source, problems), WorkspaceConfig.from(source, problems), ComputeConfig.from(source, problems), AuditConfig.from(source, problems),
                KeyvaultConfig.from(source, problems, state), renewBefore, provided,
                PolicyConfig.from(source, problems));
        config.checkPortsDistinct(problems);
        problems.throwIfAny();
        return config;
    }

    private void checkPortsDistinct(ConfigProblems problems) {
        List<Integer> ports = List.of(keycloakPort, keycloakManagementPort, gateway.port(), gateway.managementPort(),
                workspace.port(), compute.port(), audit.port(), keyvault.port());
        if (ports.stream().filter(port -> port != 0).distinct().count() != ports.stream().filter(port -> port != 0).count()) {
            problems.add("ports", "keycloak, gateway and service ports must all differ (0 picks a free one): " + ports);
        }
    }

    private static List<DemoTenant> demoTenants(String text, ConfigProblems problems) {
        List<DemoTenant> tenants = new ArrayList<>();
        if (text.isBlank()) {
            return tenants;
        }
        for (String entry : text.split(",")) {
            String[] parts = entry.split("=", 2);
            try {
                tenants.add(new DemoTenant(TenantId.of(parts[0].trim()), parts.length > 1 ? parts[1].trim() : parts[0].trim()));
            } catch (IllegalArgumentException e) {
                problems.add("platform.demo-tenants", e.getMessage() + " (was '" + parts[0].trim() + "')");
            }
        }
        return tenants;
    }

    static Path defaultStateDirectory() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("lakeward");
    }
}
