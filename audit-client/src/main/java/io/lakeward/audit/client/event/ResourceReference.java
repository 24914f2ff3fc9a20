package io.lakeward.audit.client.event;

import java.util.regex.Pattern;

/**
 * A resource an audited action touched, e.g. {@code table main.sales.orders} or
 * {@code notebook /Users/ada/report} (PCI DSS 10.2.2 "identity or name of affected data,
 * system component, resource, or service").
 *
 * @param type a lowercase kind ({@code table}, {@code notebook}, {@code cluster}, ...)
 * @param name the resource's full name or id within the event's tenant
 */
public record ResourceReference(String type, String name) {
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    public static final int MAX_NAME_LENGTH = 1024;

    public ResourceReference {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("resource type is 1 to 32 lowercase letters, digits or underscores");
        }
        Checks.requireText(name, "resource name", MAX_NAME_LENGTH);
    }

    public static ResourceReference of(String type, String name) {
        return new ResourceReference(type, name);
    }

    public static ResourceReference table(String fullName) {
        return new ResourceReference("table", fullName);
    }

    public static ResourceReference notebook(String path) {
        return new ResourceReference("notebook", path);
    }

    public static ResourceReference cluster(String clusterId) {
        return new ResourceReference("cluster", clusterId);
    }

    public static ResourceReference workspace(String workspaceId) {
        return new ResourceReference("workspace", workspaceId);
    }
}
