package io.lakeward.metastore.secret;

/** The levels of a secret scope ACL, each including the ones below it (Databricks secrets API). */
public enum SecretPermission {
    /** Read secrets (cluster code) and list their keys. */
    READ,
    /** Also put and delete secrets. */
    WRITE,
    /** Also change the scope's ACLs and delete the scope. */
    MANAGE;

    public boolean includes(SecretPermission other) {
        return compareTo(other) >= 0;
    }
}
