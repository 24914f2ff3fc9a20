package io.lakeward.metastore.secret;

/** One ACL entry of a scope: a user name or group name, and its permission. */
public record SecretAcl(String principal, SecretPermission permission) {
}
