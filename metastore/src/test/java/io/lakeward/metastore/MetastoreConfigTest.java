package io.lakeward.metastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;
import io.lakeward.common.config.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetastoreConfigTest {
    private static final Path STATE = Path.of("/var/lib/lakeward");

    @Test
    void defaultsToAnEmbeddedDatabaseUnderTheStateDirectory() {
        ConfigProblems problems = new ConfigProblems();
        MetastoreConfig config = MetastoreConfig.from(ConfigSource.ofMap(Map.of()), problems, STATE);
        assertEquals(List.of(), problems.all());
        assertEquals(MetastoreConfig.Mode.EMBEDDED, config.mode());
        assertEquals(STATE.resolve("metastore"), config.dataDirectory());
        assertEquals(0, config.port());
        assertEquals("lakeward_app", config.applicationRole());
        assertEquals(10, config.poolSize());
        assertEquals(Duration.ofSeconds(30), config.statementTimeout());
        assertEquals(Duration.ofSeconds(5), config.tenantReloadInterval());
    }

    @Test
    void readsAnExternalDatabaseWithSecretsFromTheEnvironmentOnly() {
        Map<String, String> environment = Map.of(
                "LAKEWARD_METASTORE_PASSWORD", "owner-secret",
                "LAKEWARD_METASTORE_APPLICATION_PASSWORD", "app-secret");
        Map<String, String> file = Map.of(
                "metastore.mode", "external",
                "metastore.url", "jdbc:postgresql://db.example:5432/lakeward",
                "metastore.username", "lakeward_owner",
                "metastore.pool-size", "20",
                "metastore.statement-timeout", "5s");
        ConfigProblems problems = new ConfigProblems();
        MetastoreConfig config = MetastoreConfig.from(new ConfigSource(Map.of(), environment, file), problems, STATE);
        assertEquals(List.of(), problems.all());
        assertEquals(MetastoreConfig.Mode.EXTERNAL, config.mode());
        assertEquals(Optional.of("jdbc:postgresql://db.example:5432/lakeward"), config.url());
        assertEquals(Optional.of(Secret.of("owner-secret")), config.password());
        assertEquals(Optional.of(Secret.of("app-secret")), config.applicationPassword());
        assertEquals(20, config.poolSize());
        assertEquals(Duration.ofSeconds(5), config.statementTimeout());
        assertTrue(!config.toString().contains("secret"), "secrets are redacted: " + config);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Map<String, String> file = Map.of(
                "metastore.mode", "external",
                "metastore.url", "postgres://db.example/lakeward",
                // a secret in the config file is ignored: secrets come from the environment or a file
                "metastore.application-password", "in-the-file",
                "metastore.application-role", "Lakeward App",
                "metastore.pool-size", "0",
                "metastore.statement-timeout", "1h");
        ConfigProblems problems = new ConfigProblems();
        MetastoreConfig.from(new ConfigSource(Map.of(), Map.of(), file), problems, STATE);
        String all = String.join("\n", problems.all());
        for (String key : List.of("metastore.url", "metastore.username", "metastore.application-password", "metastore.application-role",
                "metastore.pool-size", "metastore.statement-timeout")) {
            assertTrue(all.contains(key + ":"), key + " missing from:\n" + all);
        }
    }

    @Test
    void theApplicationRoleIsNotTheOwner() {
        ConfigProblems problems = new ConfigProblems();
        MetastoreConfig.from(ConfigSource.ofMap(Map.of("metastore.mode", "external", "metastore.url", "jdbc:postgresql://db/lakeward",
                "metastore.username", "lakeward", "metastore.application-role", "lakeward", "metastore.application-password", "x")), problems, STATE);
        assertEquals(1, problems.all().size(), problems.all().toString());
        assertTrue(problems.all().get(0).startsWith("metastore.application-role:"));
    }
}
