package io.lakeward.policy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One revision of the admin-managed policy data (grants, row filters, column masks, ...). The
 * revision travels inside the document as its {@code revision} field, so a policy can read which
 * revision it decides with, and every {@link Decision} reports the revision it used.
 *
 * <p>Policies see the document at {@code data.lakeward.admin} (REST path {@value #PATH}), in the
 * embedded and the remote engine alike.
 *
 * @param revision the revision; equal to the document's {@code revision} field
 * @param document a JSON object carrying {@code "revision": revision}; copied, so later changes
 *                 to the caller's node do not leak in
 */
public record PolicyData(String revision, ObjectNode document) {

    /** Where the document is mounted under OPA's {@code data}, as a slash-separated path. */
    public static final String PATH = "lakeward/admin";

    public PolicyData {
        if (revision == null || revision.isBlank()) {
            throw new IllegalArgumentException("a policy data revision is a non-blank string");
        }
        Objects.requireNonNull(document, "document");
        JsonNode carried = document.get("revision");
        if (carried == null || !carried.isTextual() || !carried.textValue().equals(revision)) {
            throw new IllegalArgumentException("the policy data document must carry \"revision\": \"" + revision + "\"");
        }
        document = document.deepCopy();
    }

    /** Policy data of the given revision from a JSON document, which must be an object carrying that revision. */
    public static PolicyData of(String revision, JsonNode document) {
        if (document == null || !document.isObject()) {
            throw new IllegalArgumentException("policy data is a JSON object");
        }
        return new PolicyData(revision, (ObjectNode) document);
    }

    /** A document holding nothing but its revision. */
    public static PolicyData empty(String revision) {
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.put("revision", revision);
        return new PolicyData(revision, document);
    }

    /** The document, a copy the caller may change. */
    @Override
    public ObjectNode document() {
        return document.deepCopy();
    }

    /** The whole {@code data} tree of an engine that holds only this document, mounted at {@link #PATH}. */
    ObjectNode dataRoot() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode node = root;
        String[] segments = PATH.split("/");
        for (int i = 0; i < segments.length - 1; i++) {
            node = node.putObject(segments[i]);
        }
        node.set(segments[segments.length - 1], document);
        return root;
    }
}
