package io.lakeward.launcher;

import io.lakeward.common.config.ConfigSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line: {@code up} starts the embedded platform and serves until interrupted,
 * {@code down} stops what an earlier {@code up} of the same state directory started.
 * Options are {@code --key=value} pairs with the configuration keys of the README, and
 * {@code --config=<file>} names a properties file.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String verb = args.length == 0 || args[0].startsWith("--") ? "up" : args[0];
        List<String> options = Arrays.asList(args).subList(args.length == 0 || args[0].startsWith("--") ? 0 : 1, args.length);
        Map<String, String> commandLine = new HashMap<>();
        Path configFile = null;
        for (String option : options) {
            if (!option.startsWith("--") || !option.contains("=")) {
                usage("unknown argument: " + option);
                return;
            }
            String key = option.substring(2, option.indexOf('='));
            String value = option.substring(option.indexOf('=') + 1);
            if (key.equals("config")) {
                configFile = Path.of(value);
            } else {
                commandLine.put(key, value);
            }
        }
        PlatformConfig config;
        try {
            config = PlatformConfig.load(ConfigSource.fromProcess(commandLine, configFile));
        } catch (RuntimeException e) {
            System.err.println("lakeward: " + e.getMessage());
            System.exit(2);
            return;
        }
        switch (verb) {
            case "up" -> up(config);
            case "down" -> System.exit(EmbeddedPlatform.stopRecorded(config.state()) ? 0 : 1);
            default -> usage("unknown command: " + verb);
        }
    }

    private static void up(PlatformConfig config) throws Exception {
        EmbeddedPlatform platform;
        try {
            platform = EmbeddedPlatform.start(config, System.out);
        } catch (Exception | Error e) {
            System.err.println("lakeward: the platform did not start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "lakeward-shutdown"));
        platform.awaitStop();
    }

    private static void usage(String problem) {
        System.err.println("lakeward: " + problem);
        System.err.println("usage: lakeward [up|down] [--config=<file>] [--<key>=<value> ...]");
        System.exit(2);
    }
}
