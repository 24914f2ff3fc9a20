package io.lakeward.workspace;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;

/** Configuration of the workspace-service: its loopback port ({@code workspace.port}). */
public record WorkspaceConfig(int port) {
    public static WorkspaceConfig from(ConfigSource source, ConfigProblems problems) {
        return new WorkspaceConfig(source.port("workspace.port", 9451, problems));
    }
}
