package io.lakeward.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSourceTest {
    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() {
        ConfigSource source = new ConfigSource(
                Map.of("gateway.port", "1001"),
                Map.of("LAKEWARD_GATEWAY_PORT", "1002", "LAKEWARD_GATEWAY_HOST", "env-host"),
                Map.of("gateway.port", "1003", "gateway.host", "file-host", "gateway.name", "file-name"));
        ConfigProblems problems = new ConfigProblems();
        assertEquals(1001, source.port("gateway.port", 9, problems));
        assertEquals("env-host", source.string("gateway.host", "default"));
        assertEquals("file-name", source.string("gateway.name", "default"));
        assertEquals("default", source.string("gateway.other", "default"));
        assertTrue(problems.all().isEmpty());
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        ConfigSource source = ConfigSource.ofMap(Map.of("a.port", "70000", "b.timeout", "soon", "c.flag", "yes"));
        ConfigProblems problems = new ConfigProblems();
        source.port("a.port", 1, problems);
        source.duration("b.timeout", Duration.ofSeconds(1), problems);
        source.bool("c.flag", false, problems);
        assertEquals(3, problems.all().size());
        ConfigProblems.InvalidConfigException thrown = assertThrows(ConfigProblems.InvalidConfigException.class, problems::throwIfAny);
        assertTrue(thrown.getMessage().contains("a.port"));
        assertTrue(thrown.getMessage().contains("b.timeout"));
        assertTrue(thrown.getMessage().contains("c.flag"));
    }

    @Test
    void durationsAcceptUnitsAndIso() {
        assertEquals(Duration.ofMillis(250), ConfigSource.parseDuration("250ms"));
        assertEquals(Duration.ofSeconds(30), ConfigSource.parseDuration("30s"));
        assertEquals(Duration.ofMinutes(5), ConfigSource.parseDuration("5m"));
        assertEquals(Duration.ofSeconds(45), ConfigSource.parseDuration("PT45S"));
    }

    @Test
    void secretsAreRedactedAndNeverReadFromTheConfigFile() {
        ConfigSource source = new ConfigSource(Map.of(), Map.of(), Map.of("db.password", "in-file"));
        ConfigProblems problems = new ConfigProblems();
        assertFalse(source.secret("db.password", problems).isPresent());
        Secret secret = Secret.of("hunter2");
        assertFalse(secret.toString().contains("hunter2"));
        assertEquals(Secret.of("hunter2"), secret);
    }
}
