package io.lakeward.launcher;

import io.lakeward.common.config.ConfigSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line: {@code up} starts the embedded platform and serves until interrupted,
 * {@code down} stops what an earlier {@code up} of the same state directory started,
 * {@code audit verify <export>} checks an audit export offline.
 * Options are {@code --key=value} pairs with the configuration keys of the README, and
 * {@code --config=<file>} names a properties file.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("audit")) {
            System.exit(audit(Arrays.asList(args).subList(1, args.length)));
            return;
        }
        String verb = args.length == 0 || args[0].startsWith("--") ? "up" : args[0];
        int firstOption = args.length == 0 || args[0].startsWith("--") ? 0 : 1;
        List<String> operands = new java.util.ArrayList<>();
        while (firstOption < args.length && !args[firstOption].startsWith("--")) {
            operands.add(args[firstOption++]);
        }
        List<String> options = Arrays.asList(args).subList(firstOption, args.length);
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
        if (!operands.isEmpty() && !verb.equals("tenant")) {
            usage("unknown argument: " + operands.get(0));
            return;
        }
        switch (verb) {
            case "up" -> up(config);
            case "down" -> System.exit(EmbeddedPlatform.stopRecorded(config.state()) ? 0 : 1);
            case "tenant" -> {
                if (operands.size() != 2 || !operands.get(0).equals("delete")) {
                    usage("usage: lakeward tenant delete <tenant-id>");
                    return;
                }
                System.exit(deleteTenant(config, operands.get(1)));
            }
            default -> usage("unknown command: " + verb);
        }
    }

    /** {@code lakeward tenant delete <id>}: crypto-shreds a tenant of a stopped platform. */
    private static int deleteTenant(PlatformConfig config, String id) {
        try {
            TenantDeletion.Result result = TenantDeletion.offline(config, io.lakeward.common.id.TenantId.of(id));
            System.out.println("lakeward: tenant " + result.tenant() + " deleted: registry DELETED, "
                    + (result.keysDestroyed() ? "its key-encryption keys destroyed" : "no keys were left")
                    + "; its encrypted data is unreadable from now on");
            return 0;
        } catch (Exception e) {
            System.err.println("lakeward: tenant " + id + " not deleted: " + e.getMessage());
            return 1;
        }
    }

    /** {@code audit verify <export>} and {@code audit public-key}: offline, no platform needed. */
    static int audit(List<String> arguments) {
        Path state = PlatformConfig.defaultStateDirectory();
        for (String argument : arguments) {
            if (argument.startsWith("--platform.state-dir=")) {
                state = Path.of(argument.substring("--platform.state-dir=".length()));
            }
        }
        String environment = System.getenv(ConfigSource.environmentName("platform.state-dir"));
        if (environment != null && !environment.isBlank() && arguments.stream().noneMatch(a -> a.startsWith("--platform.state-dir="))) {
            state = Path.of(environment);
        }
        return AuditCommand.run(arguments, AuditCommand.defaultPublicKey(new StateDirectory(state)), System.out, System.err);
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
        System.err.println("usage: lakeward [up|down|tenant delete <id>] [--config=<file>] [--<key>=<value> ...]");
        System.err.println("       lakeward audit verify <export directory or zip> [--public-key=<pem file>]");
        System.exit(2);
    }
}
