package io.lakeward.workspace.policy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Turns a tenant's {@link PolicyDocument} into the indexed form the Rego policies read at
 * {@code data.lakeward.admin.tenants[tenant]} (see {@code policies/.../data/data.rego}), with the
 * revision inside: lookups by securable, table and tag instead of scans, so a decision costs the
 * same with 10 grants or 10,000.
 */
public final class PolicyCompiler {
    private PolicyCompiler() {
    }

    public static ObjectNode compile(PolicyDocument document, long revision) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode root = json.objectNode();
        root.put("revision", revision);
        ObjectNode grants = root.putObject("grants");
        for (PolicyDocument.Grant grant : document.grants()) {
            ObjectNode privilege = child(child(grants, grant.securableType() + "/" + grant.securable()), grant.privilege());
            child(privilege, grant.principalType().equals("user") ? "users" : "groups").put(grant.principal(), true);
        }
        ObjectNode filters = root.putObject("row_filters");
        for (PolicyDocument.RowFilter filter : document.rowFilters()) {
            filters.putObject(filter.table()).put("expression", filter.expression());
        }
        ObjectNode tags = root.putObject("column_tags");
        for (PolicyDocument.ColumnTag tag : document.columnTags()) {
            ObjectNode table = child(tags, tag.table());
            (table.has(tag.column()) ? (com.fasterxml.jackson.databind.node.ArrayNode) table.get(tag.column()) : table.putArray(tag.column())).add(tag.tag());
        }
        ObjectNode columnMasks = root.putObject("column_masks");
        ObjectNode tagMasks = root.putObject("tag_masks");
        for (PolicyDocument.Mask mask : document.masks()) {
            ObjectNode target = mask.target().equals("column") ? child(columnMasks, mask.table()).putObject(mask.column()) : tagMasks.putObject(mask.tag());
            target.put("type", mask.type());
            mask.exemptGroups().forEach(target.putArray("exempt_groups")::add);
        }
        ObjectNode members = root.putObject("members");
        for (Map.Entry<String, PolicyDocument.Membership> member : document.members().entrySet()) {
            ObjectNode entry = members.putObject(member.getKey());
            member.getValue().roles().forEach(entry.putArray("roles")::add);
            member.getValue().groups().forEach(entry.putArray("groups")::add);
        }
        return root;
    }

    private static ObjectNode child(ObjectNode parent, String name) {
        return parent.has(name) ? (ObjectNode) parent.get(name) : parent.putObject(name);
    }
}
