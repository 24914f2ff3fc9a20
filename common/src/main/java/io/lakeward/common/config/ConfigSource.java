package io.lakeward.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Where configuration values come from, in order of precedence: command line and system
 * properties ({@code -Dgateway.port=9443}), environment ({@code LAKEWARD_GATEWAY_PORT=9443}),
 * a properties file, then the defaults the typed config records declare. Keys are dotted and
 * namespaced by module. Typed getters report bad values to a {@link ConfigProblems} instead of
 * throwing, so that start-up lists every problem at once.
 */
public final class ConfigSource {
    private final Map<String, String> commandLine;
    private final Map<String, String> environment;
    private final Map<String, String> file;

    public ConfigSource(Map<String, String> commandLine, Map<String, String> environment, Map<String, String> file) {
        this.commandLine = Map.copyOf(commandLine);
        this.environment = Map.copyOf(environment);
        this.file = Map.copyOf(file);
    }

    /** System properties, the process environment, and the given properties file if it is not null. */
    public static ConfigSource fromProcess(Map<String, String> commandLine, Path propertiesFile) throws IOException {
        Map<String, String> merged = new HashMap<>();
        System.getProperties().forEach((k, v) -> merged.put(k.toString(), v.toString()));
        merged.putAll(commandLine);
        return new ConfigSource(merged, System.getenv(), propertiesFile == null ? Map.of() : readProperties(propertiesFile));
    }

    public static ConfigSource ofMap(Map<String, String> values) {
        return new ConfigSource(values, Map.of(), Map.of());
    }

    private static Map<String, String> readProperties(Path path) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path)) {
            properties.load(reader);
        }
        Map<String, String> values = new HashMap<>();
        properties.forEach((k, v) -> values.put(k.toString(), v.toString()));
        return values;
    }

    /** The environment variable a dotted key maps to: {@code gateway.port} → {@code LAKEWARD_GATEWAY_PORT}. */
    public static String environmentName(String key) {
        return "LAKEWARD_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Optional<String> raw(String key) {
        String value = commandLine.get(key);
        if (value == null) {
            value = environment.get(environmentName(key));
        }
        if (value == null) {
            value = file.get(key);
        }
        return Optional.ofNullable(value).map(String::trim);
    }

    public String string(String key, String defaultValue) {
        return raw(key).orElse(defaultValue);
    }

    public int port(String key, int defaultValue, ConfigProblems problems) {
        return integer(key, defaultValue, 0, 65535, problems);
    }

    public int integer(String key, int defaultValue, int min, int max, ConfigProblems problems) {
        return parse(key, defaultValue, Integer::parseInt, problems, value -> value >= min && value <= max,
                "must be a whole number from " + min + " to " + max);
    }

    public boolean bool(String key, boolean defaultValue, ConfigProblems problems) {
        return parse(key, defaultValue, value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException();
        }, problems, value -> true, "must be true or false");
    }

    /** A duration in ISO-8601 ({@code PT30S}) or as a number with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}. */
    public Duration duration(String key, Duration defaultValue, ConfigProblems problems) {
        return parse(key, defaultValue, ConfigSource::parseDuration, problems, value -> !value.isNegative(),
                "must be a duration such as 500ms, 30s, 5m or PT30S, not negative");
    }

    public Path path(String key, Path defaultValue) {
        return raw(key).map(Path::of).orElse(defaultValue);
    }

    /** A secret read from {@code key} itself, or from the file named by {@code key.file}; never from the config file. */
    public Optional<Secret> secret(String key, ConfigProblems problems) {
        Optional<String> direct = Optional.ofNullable(commandLine.get(key)).or(() -> Optional.ofNullable(environment.get(environmentName(key))));
        if (direct.isPresent()) {
            return direct.map(Secret::of);
        }
        Optional<String> file = raw(key + ".file");
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Secret.of(Files.readString(Path.of(file.get())).strip()));
        } catch (IOException | RuntimeException e) {
            problems.add(key + ".file", "cannot read the secret file");
            return Optional.empty();
        }
    }

    private <T> T parse(String key, T defaultValue, Function<String, T> parser, ConfigProblems problems,
                        java.util.function.Predicate<T> valid, String expectation) {
        Optional<String> value = raw(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            T parsed = parser.apply(value.get());
            if (valid.test(parsed)) {
                return parsed;
            }
        } catch (RuntimeException e) {
            // reported below, with the expectation
        }
        problems.add(key, expectation + " (was '" + value.get() + "')");
        return defaultValue;
    }

    static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("pt") || value.startsWith("p")) {
                return Duration.parse(text.trim());
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(e);
        }
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("unknown unit");
        };
    }
}
