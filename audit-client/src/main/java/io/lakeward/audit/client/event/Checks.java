package io.lakeward.audit.client.event;

/** Validation shared by the schema records; every failure is an {@link IllegalArgumentException}. */
final class Checks {
    private Checks() {
    }

    /** A required text of at most {@code maxLength} characters without control characters. */
    static String requireText(String value, String field, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return optionalText(value, field, maxLength);
    }

    /** Like {@link #requireText} but {@code null} is allowed (and returned). */
    static String optionalText(String value, String field, int maxLength) {
        if (value == null) {
            return null;
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(field + " is longer than " + maxLength + " characters");
        }
        if (hasControlCharacter(value)) {
            // control characters (newlines, escapes) in audit fields are a log-forging vector
            throw new IllegalArgumentException(field + " contains control characters");
        }
        return value;
    }

    static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** The longest prefix of {@code value} of at most {@code maxLength} chars that does not split a surrogate pair. */
    static String prefix(String value, int maxLength) {
        if (value.length() <= maxLength) {
            return value;
        }
        int end = maxLength;
        if (end > 0 && Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(0, end);
    }

    /** Replaces control characters by spaces, for values taken from the wire (user agents, parameters). */
    static String withoutControlCharacters(String value) {
        if (!hasControlCharacter(value)) {
            return value;
        }
        StringBuilder cleaned = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            cleaned.append(Character.isISOControl(c) ? ' ' : c);
        }
        return cleaned.toString();
    }
}
