package io.lakeward.metastore.secret;

/** Where a secret is, with its envelope as read: what a rewrap needs. */
public record SecretLocation(String scope, String key, byte[] envelope, int keyVersion) {
}
