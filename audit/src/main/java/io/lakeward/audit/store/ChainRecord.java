package io.lakeward.audit.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One record of a log's hash chain, stored as one line of a segment file:
 *
 * <pre>
 *   sequence TAB log TAB previous-hash TAB hash TAB event-json LF
 * </pre>
 *
 * The event's JSON (the platform mapper's output) never holds a raw tab or line feed, so the line
 * splits unambiguously. Exports copy these lines verbatim, so the offline verifier checks exactly
 * what was stored. See {@link ChainHash} for {@code hash}.
 */
public record ChainRecord(long sequence, String log, String previousHash, String hash, byte[] eventJson) {
    private static final byte[] EVENT_ID_KEY = "\"event_id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIME_KEY = "\"time\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TENANT_KEY = "\"tenant_id\":".getBytes(StandardCharsets.US_ASCII);

    /** The record that follows {@code previousHash} at {@code sequence}, its hash computed. */
    public static ChainRecord next(String log, long sequence, String previousHash, byte[] eventJson) {
        return new ChainRecord(sequence, log, previousHash, ChainHash.of(log, sequence, previousHash, eventJson), eventJson);
    }

    /** Whether the stored hash is the one its content gives. */
    public boolean hashMatches() {
        return hash.equals(ChainHash.of(log, sequence, previousHash, eventJson));
    }

    /** The line as stored, with its final line feed. */
    public byte[] line() {
        byte[] head = (sequence + "\t" + log + "\t" + previousHash + "\t" + hash + "\t").getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[head.length + eventJson.length + 1];
        System.arraycopy(head, 0, line, 0, head.length);
        System.arraycopy(eventJson, 0, line, head.length, eventJson.length);
        line[line.length - 1] = '\n';
        return line;
    }

    /**
     * Parses a line without its line feed; throws {@link IllegalArgumentException} saying what is
     * wrong when it is not a record (the hash is not checked here: see {@link #hashMatches()}).
     */
    public static ChainRecord parse(byte[] line, int length) {
        int[] tabs = new int[4];
        int found = 0;
        for (int i = 0; i < length && found < 4; i++) {
            if (line[i] == '\t') {
                tabs[found++] = i;
            }
        }
        if (found < 4) {
            throw new IllegalArgumentException("not a record line (fewer than 5 fields)");
        }
        long sequence;
        try {
            sequence = Long.parseLong(new String(line, 0, tabs[0], StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the sequence is not a number");
        }
        if (sequence < 1) {
            throw new IllegalArgumentException("the sequence is not positive");
        }
        String log = new String(line, tabs[0] + 1, tabs[1] - tabs[0] - 1, StandardCharsets.US_ASCII);
        String previous = new String(line, tabs[1] + 1, tabs[2] - tabs[1] - 1, StandardCharsets.US_ASCII);
        String hash = new String(line, tabs[2] + 1, tabs[3] - tabs[2] - 1, StandardCharsets.US_ASCII);
        if (!ChainHash.isHash(previous) || !ChainHash.isHash(hash)) {
            throw new IllegalArgumentException("a hash field is not 64 hexadecimal digits");
        }
        int start = tabs[3] + 1;
        if (length - start < 2 || line[start] != '{' || line[length - 1] != '}') {
            throw new IllegalArgumentException("the event is not a JSON object");
        }
        byte[] json = new byte[length - start];
        System.arraycopy(line, start, json, 0, json.length);
        return new ChainRecord(sequence, log, previous, hash, json);
    }

    public static ChainRecord parse(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return parse(bytes, bytes.length);
    }

    public String eventJsonText() {
        return new String(eventJson, StandardCharsets.UTF_8);
    }

    /** The event id, read from the stored JSON (the store writes {@code event_id} before any nested object). */
    public String eventId() {
        return stringAfter(eventJson, EVENT_ID_KEY);
    }

    /** The event's time, read from the stored JSON. */
    public Instant time() {
        String text = stringAfter(eventJson, TIME_KEY);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The event's {@code tenant_id} as written ({@code null} for a platform-level event or when absent). */
    public String eventTenant() {
        int at = indexOf(eventJson, TENANT_KEY, 0);
        if (at < 0) {
            return null;
        }
        int value = at + TENANT_KEY.length;
        if (value < eventJson.length && eventJson[value] == '"') {
            int end = value + 1;
            while (end < eventJson.length && eventJson[end] != '"') {
                end++;
            }
            return new String(eventJson, value + 1, end - value - 1, StandardCharsets.UTF_8);
        }
        return null;
    }

    private static String stringAfter(byte[] json, byte[] key) {
        int at = indexOf(json, key, 0);
        if (at < 0) {
            return null;
        }
        int start = at + key.length;
        int end = start;
        while (end < json.length && json[end] != '"') {
            end++;
        }
        return new String(json, start, end - start, StandardCharsets.UTF_8);
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChainRecord that && sequence == that.sequence && log.equals(that.log)
                && previousHash.equals(that.previousHash) && hash.equals(that.hash) && java.util.Arrays.equals(eventJson, that.eventJson);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + hash.hashCode();
    }

    @Override
    public String toString() {
        return "ChainRecord[" + log + "#" + sequence + " " + hash + "]";
    }
}
