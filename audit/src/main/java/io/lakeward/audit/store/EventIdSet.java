package io.lakeward.audit.store;

import java.util.HexFormat;

/**
 * The event ids already stored, for idempotent appends: an open-addressing hash set of 128-bit
 * ids kept as pairs of longs (a million ids take about 32 MiB, a quarter of what boxed strings
 * would). Not thread-safe: the store's writer thread owns it.
 */
final class EventIdSet {
    private long[] slots = new long[2 * 1024];
    private boolean[] used = new boolean[1024];
    private int size;

    /** Adds the id (32 hexadecimal digits); false if it was already present. */
    boolean add(String eventId) {
        long high = HexFormat.fromHexDigitsToLong(eventId, 0, 16);
        long low = HexFormat.fromHexDigitsToLong(eventId, 16, 32);
        if ((size + 1) * 4L > used.length * 3L) {
            grow();
        }
        return insert(high, low);
    }

    boolean contains(String eventId) {
        long high = HexFormat.fromHexDigitsToLong(eventId, 0, 16);
        long low = HexFormat.fromHexDigitsToLong(eventId, 16, 32);
        int mask = used.length - 1;
        int slot = spread(high, low) & mask;
        while (used[slot]) {
            if (slots[2 * slot] == high && slots[2 * slot + 1] == low) {
                return true;
            }
            slot = (slot + 1) & mask;
        }
        return false;
    }

    int size() {
        return size;
    }

    private boolean insert(long high, long low) {
        int mask = used.length - 1;
        int slot = spread(high, low) & mask;
        while (used[slot]) {
            if (slots[2 * slot] == high && slots[2 * slot + 1] == low) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        used[slot] = true;
        slots[2 * slot] = high;
        slots[2 * slot + 1] = low;
        size++;
        return true;
    }

    private void grow() {
        long[] oldSlots = slots;
        boolean[] oldUsed = used;
        slots = new long[oldSlots.length * 2];
        used = new boolean[oldUsed.length * 2];
        size = 0;
        for (int i = 0; i < oldUsed.length; i++) {
            if (oldUsed[i]) {
                insert(oldSlots[2 * i], oldSlots[2 * i + 1]);
            }
        }
    }

    private static int spread(long high, long low) {
        long mixed = (high ^ (low * 0x9E3779B97F4A7C15L));
        mixed ^= mixed >>> 29;
        return (int) (mixed ^ (mixed >>> 32));
    }
}
