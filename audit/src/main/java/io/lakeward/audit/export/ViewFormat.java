package io.lakeward.audit.export;

import java.util.Locale;

/** The forms of an export's filtered view; the chain records and the manifest are always included. */
public enum ViewFormat {
    JSONL(ExportFiles.VIEW_JSONL),
    CSV(ExportFiles.VIEW_CSV),
    PDF(ExportFiles.REPORT_PDF);

    private final String file;

    ViewFormat(String file) {
        this.file = file;
    }

    public String file() {
        return file;
    }

    /** {@code csv}, {@code jsonl} or {@code pdf}, in any case. */
    public static ViewFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a view format is csv, jsonl or pdf");
        }
    }
}
