package io.lakeward.audit.client.event;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Where an audited request came from (PCI DSS 10.2.2 "origination of event", NIST AU-3 "where").
 * Both parts are optional: the platform's own scheduled work has no client.
 *
 * @param ip        the client's IP address literal as the gateway saw it (never resolved)
 * @param userAgent the client's User-Agent, at most {@value #MAX_USER_AGENT_LENGTH} characters
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Source(String ip, String userAgent) {
    public static final int MAX_USER_AGENT_LENGTH = 512;
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    public Source {
        if (ip != null && !isIpLiteral(ip)) {
            throw new IllegalArgumentException("source ip is not an IPv4 or IPv6 address literal");
        }
        Checks.optionalText(userAgent, "source user agent", MAX_USER_AGENT_LENGTH);
    }

    /** A source from wire values: the user agent is cut to its limit and stripped of control characters. */
    public static Source of(String ip, String userAgent) {
        String cleaned = userAgent == null
                ? null
                : Checks.prefix(Checks.withoutControlCharacters(userAgent), MAX_USER_AGENT_LENGTH);
        return new Source(ip, cleaned);
    }

    /** No client: the platform's own work. */
    public static Source none() {
        return new Source(null, null);
    }

    private static boolean isIpLiteral(String value) {
        if (IPV4.matcher(value).matches()) {
            return true;
        }
        if (value.indexOf(':') < 0 || !IPV6_CHARACTERS.matcher(value).matches()) {
            return false;
        }
        try {
            // with a ':' and only hex digits, ':' and '.', this parses a literal and never queries DNS
            InetAddress.getByName(value);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
