package io.lakeward.workspace.secret;

/**
 * The secrets API's limits, Databricks' by default: 100 scopes per tenant, 1,000 secrets per
 * scope, 128 KiB per value.
 */
public record SecretLimits(int maxScopes, int maxSecretsPerScope, int maxValueBytes) {
    public static final SecretLimits DATABRICKS = new SecretLimits(100, 1000, 128 * 1024);

    public SecretLimits {
        if (maxScopes < 1 || maxSecretsPerScope < 1 || maxValueBytes < 1 || maxValueBytes > 128 * 1024) {
            throw new IllegalArgumentException("secret limits must be positive and a value at most 128 KiB");
        }
    }
}
