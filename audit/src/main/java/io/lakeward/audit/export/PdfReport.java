package io.lakeward.audit.export;

import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.query.AuditFilter;
import io.lakeward.audit.store.AuditLogId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * The PDF report of an export (PDFBox): the period and scope, counts by outcome and by action,
 * failed logins, denied accesses, administrative and policy changes, and a table mapping PCI DSS
 * 10.2.1.1 to 10.2.1.7 and 10.2.2 to the evidence in the export. Text only, in the standard
 * Helvetica fonts; anything outside Latin-1 is replaced, so no event content can break the file.
 */
final class PdfReport {
    private static final float MARGIN = 50;
    private static final float LEADING = 13;

    private PdfReport() {
    }

    static byte[] render(AuditLogId log, AuditFilter filter, Instant created, ReportStatistics statistics, long firstSequence,
                         long lastSequence, String fingerprint) throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDDocumentInformation information = document.getDocumentInformation();
            information.setTitle("Lakeward audit report: " + log.value());
            information.setProducer("Lakeward");
            Writer writer = new Writer(document);
            writer.heading("Audit report - tenant " + log.value());
            writer.line("Period: " + filter.from() + " to " + filter.to() + " (end exclusive, UTC)");
            writer.line("Created: " + created + "    Signing key: " + fingerprint);
            writer.line("Chain records in this export: sequences " + (lastSequence < firstSequence ? "none"
                    : firstSequence + " to " + lastSequence) + " (whole signed ranges; see manifest.json)");
            if (filter.narrowed()) {
                writer.line("Filtered view: " + filter.describe());
            }
            writer.line("Events in the view: " + statistics.total);
            writer.gap();

            writer.heading("Outcomes");
            for (Outcome outcome : Outcome.values()) {
                writer.line(String.format("%-10s %,d", outcome.name(), statistics.byOutcome[outcome.ordinal()]));
            }
            writer.gap();

            writer.heading("Events by action (success / failure / denied / error)");
            for (Map.Entry<String, long[]> entry : statistics.byAction.entrySet()) {
                long[] counts = entry.getValue();
                writer.line(String.format("%-48s %,d / %,d / %,d / %,d", entry.getKey(), counts[0], counts[1], counts[2], counts[3]));
            }
            writer.gap();

            section(writer, "Failed logins", statistics.failedLogins, statistics.failedLoginSamples);
            section(writer, "Denied accesses", statistics.deniedAccesses, statistics.deniedSamples);
            section(writer, "Administrative and policy changes", statistics.administrativeChanges, statistics.adminSamples);

            writer.heading("PCI DSS requirement 10.2 - where the evidence is");
            for (String[] row : pciMapping(statistics)) {
                writer.line(row[0] + "  " + row[1]);
                writer.indented(row[2]);
            }
            writer.close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    private static void section(Writer writer, String title, long count, List<AuditEvent> samples) throws IOException {
        writer.heading(title + ": " + count + (count > samples.size() ? " (first " + samples.size() + " listed; all are in the view files)" : ""));
        for (AuditEvent event : samples) {
            writer.line(event.time() + "  " + event.action() + "  " + event.outcome() + "  actor "
                    + (event.actor().name() != null ? event.actor().name() : event.actor().id() != null ? event.actor().id() : event.actor().type())
                    + (event.source().ip() == null ? "" : "  from " + event.source().ip()));
        }
        writer.gap();
    }

    private static List<String[]> pciMapping(ReportStatistics statistics) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"10.2.1.1", "Individual user access to cardholder data",
                "every data access (action *.read on tables, notebooks) with actor and data_touched; events in the view: " + statistics.total});
        rows.add(new String[] {"10.2.1.2", "Actions by anyone with administrative access",
                "every request of a tenant-admin is an event with its actor and roles' decision; administrative changes: " + statistics.administrativeChanges});
        rows.add(new String[] {"10.2.1.3", "Access to all audit logs",
                "audit.read / audit.query / audit.export events (queries and exports of this log): " + statistics.auditLogAccesses});
        rows.add(new String[] {"10.2.1.4", "Invalid logical access attempts",
                "outcome DENIED (authentication or policy refused): " + statistics.deniedAccesses + "; failed logins: " + statistics.failedLogins});
        rows.add(new String[] {"10.2.1.5", "Changes to identification and authentication credentials",
                "identity.login* events from the identity provider; user, role, group and credential changes (administrative changes above)"});
        rows.add(new String[] {"10.2.1.6", "Initialization, stopping or pausing of the audit logs",
                "audit.logging_started, audit.logging_stopped, audit.log_recovered events: " + statistics.auditLoggingEvents});
        rows.add(new String[] {"10.2.1.7", "Creation and deletion of system-level objects",
                "*.create and *.delete events (workspaces, clusters, tenants, tokens) in the view files"});
        rows.add(new String[] {"10.2.2", "Per event: user, type, date and time, success or failure, origination, affected data",
                "fields actor, action, time (UTC), outcome and response, source and service, data_touched of every record"});
        return rows;
    }

    /** Writes lines top to bottom, starting a new page when one is full. */
    private static final class Writer {
        private final PDDocument document;
        private final PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        private final PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        private PDPageContentStream stream;
        private float y;

        Writer(PDDocument document) throws IOException {
            this.document = document;
            newPage();
        }

        void heading(String text) throws IOException {
            write(bold, 11, text, MARGIN);
        }

        void line(String text) throws IOException {
            write(regular, 9, text, MARGIN);
        }

        void indented(String text) throws IOException {
            for (String part : wrap(text, 110)) {
                write(regular, 9, part, MARGIN + 20);
            }
        }

        void gap() {
            y -= LEADING / 2;
        }

        private void write(PDType1Font font, float size, String text, float x) throws IOException {
            if (y < MARGIN + LEADING) {
                newPage();
            }
            stream.beginText();
            stream.setFont(font, size);
            stream.newLineAtOffset(x, y);
            stream.showText(latin1(text.length() > 160 ? text.substring(0, 157) + "..." : text));
            stream.endText();
            y -= LEADING;
        }

        private void newPage() throws IOException {
            if (stream != null) {
                stream.close();
            }
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            stream = new PDPageContentStream(document, page);
            y = page.getMediaBox().getHeight() - MARGIN;
        }

        void close() throws IOException {
            stream.close();
        }

        private static List<String> wrap(String text, int width) {
            List<String> lines = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String word : text.split(" ")) {
                if (current.length() + word.length() + 1 > width && current.length() > 0) {
                    lines.add(current.toString());
                    current.setLength(0);
                }
                if (current.length() > 0) {
                    current.append(' ');
                }
                current.append(word);
            }
            if (current.length() > 0) {
                lines.add(current.toString());
            }
            return lines;
        }

        /** Printable Latin-1 only (WinAnsi, what the standard fonts encode); everything else becomes '?'. */
        private static String latin1(String text) {
            StringBuilder clean = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                clean.append(c >= 0x20 && c < 0x7f || c >= 0xa0 && c <= 0xff ? c : '?');
            }
            return clean.toString();
        }
    }
}
