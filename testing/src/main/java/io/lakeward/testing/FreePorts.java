package io.lakeward.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers a test must name before it starts them (a platform whose
 * realms carry the gateway's URL, say). An ephemeral port found with {@code new ServerSocket(0)}
 * can be taken by any outgoing connection before the server binds it; these are drawn below the
 * kernel's ephemeral range, which outgoing connections never use, and are handed out once per JVM.
 */
public final class FreePorts {
    /** Linux's default ephemeral range starts at 32768; the draw stays below it. */
    private static final int LOWEST = 20_000;
    private static final int HIGHEST = 32_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>(); // guarded by FreePorts.class

    private FreePorts() {
    }

    /** A port that nothing listens on now, outside the ephemeral range, not handed out before in this JVM. */
    public static synchronized int reserve() {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException inUse) {
                continue;
            }
            HANDED_OUT.add(port);
            return port;
        }
        throw new UncheckedIOException(new IOException("no free loopback port between " + LOWEST + " and " + HIGHEST));
    }
}
