package io.lakeward.compute;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;

/** Configuration of the compute: its loopback port ({@code compute.port}). */
public record ComputeConfig(int port) {
    public static ComputeConfig from(ConfigSource source, ConfigProblems problems) {
        return new ComputeConfig(source.port("compute.port", 9452, problems));
    }
}
