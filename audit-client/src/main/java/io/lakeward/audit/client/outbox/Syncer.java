package io.lakeward.audit.client.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** Makes written segment bytes durable; tests substitute one that stalls or fails. */
@FunctionalInterface
interface Syncer {
    /** {@code fdatasync}: the data and the file size, which is all a reader needs. */
    Syncer FORCE = channel -> channel.force(false);

    void force(FileChannel channel) throws IOException;
}
