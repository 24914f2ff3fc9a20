package io.lakeward.audit.export;

/** The names of the files of an export directory (and of its zip). */
public final class ExportFiles {
    public static final String FORMAT = "lakeward-audit-export-v1";
    public static final String MANIFEST = "manifest.json";
    public static final String MANIFEST_SIGNATURE = "manifest.sig";
    public static final String RECORDS = "records.log";
    public static final String CHECKPOINTS = "checkpoints.log";
    public static final String VIEW_JSONL = "events.jsonl";
    public static final String VIEW_CSV = "events.csv";
    public static final String REPORT_PDF = "report.pdf";
    public static final String PUBLIC_KEY = "audit-signing-public.pem";

    private ExportFiles() {
    }
}
