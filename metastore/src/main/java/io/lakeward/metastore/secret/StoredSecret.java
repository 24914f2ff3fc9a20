package io.lakeward.metastore.secret;

/** A secret as stored: its value only as an envelope, with the key version it is wrapped under. */
public record StoredSecret(String key, byte[] envelope, int keyVersion) {
}
