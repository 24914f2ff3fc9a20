package io.lakeward.audit.export;

import io.lakeward.audit.client.event.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * The CSV form of the filtered view (RFC 4180: comma-separated, CRLF, fields quoted when they
 * hold a comma, quote or line break). A field that a spreadsheet would run as a formula (starting
 * with {@code = + - @}, tab or carriage return) gets a leading apostrophe, so opening an export
 * cannot execute what an attacker put into a user agent or a resource name.
 */
final class CsvView {
    static final byte[] HEADER = ("sequence,record_hash,event_id,time,tenant_id,workspace_id,service,action,actor_type,actor_id,actor_name,"
            + "authentication_method,source_ip,user_agent,request_id,status_code,error_code,outcome,policy_decision_id,policy_revision,"
            + "data_touched\r\n").getBytes(StandardCharsets.UTF_8);

    private CsvView() {
    }

    static byte[] row(long sequence, String recordHash, AuditEvent event) {
        StringBuilder row = new StringBuilder(512);
        append(row, Long.toString(sequence));
        append(row, recordHash);
        append(row, event.eventId().value());
        append(row, event.time().toString());
        append(row, event.tenantId() == null ? "" : event.tenantId().value());
        append(row, event.workspaceId());
        append(row, event.service().name().toLowerCase(java.util.Locale.ROOT));
        append(row, event.action());
        append(row, event.actor().type().name());
        append(row, event.actor().id());
        append(row, event.actor().name());
        append(row, event.actor().authenticationMethod().name());
        append(row, event.source().ip());
        append(row, event.source().userAgent());
        append(row, event.requestId().value());
        append(row, event.response() == null ? "" : Integer.toString(event.response().statusCode()));
        append(row, event.response() == null || event.response().errorCode() == null ? "" : event.response().errorCode().name());
        append(row, event.outcome().name());
        append(row, event.policyDecision() == null ? "" : event.policyDecision().decisionId());
        append(row, event.policyDecision() == null ? "" : event.policyDecision().policyRevision());
        append(row, event.dataTouched().stream().map(reference -> reference.type() + ":" + reference.name()).collect(Collectors.joining(" ")));
        row.setLength(row.length() - 1);
        row.append("\r\n");
        return row.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = value;
        char first = text.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }

    private static void append(StringBuilder row, String value) {
        row.append(field(value)).append(',');
    }
}
