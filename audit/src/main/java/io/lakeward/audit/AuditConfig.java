package io.lakeward.audit;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;

/** Configuration of the audit: its loopback port ({@code audit.port}). */
public record AuditConfig(int port) {
    public static AuditConfig from(ConfigSource source, ConfigProblems problems) {
        return new AuditConfig(source.port("audit.port", 9453, problems));
    }
}
