package org.dicomstage.study;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One row of {@link SeriesTexts} as stored: what kind of text, the attribute it belongs to, the text. */
@Embeddable
class SeriesText {

    /** The column's size; a longer value (only UT can be) is cut there, and the cut says how much is missing. */
    static final int MAX_TEXT = 65535;

    enum Kind { KEPT, CLEANING_NOTE, UNKNOWN_REMOVED }

    @Enumerated(EnumType.STRING)
    @JdbcTypeCode(SqlTypes.VARCHAR)
    @Column(nullable = false)
    private Kind kind;

    private String keyword;

    @Column(name = "text_value", nullable = false)
    private String text;

    protected SeriesText() {
    }

    private SeriesText(Kind kind, String keyword, String text) {
        this.kind = kind;
        this.keyword = keyword;
        this.text = fit(text);
    }

    static List<SeriesText> rows(SeriesTexts texts) {
        List<SeriesText> rows = new ArrayList<>();
        texts.keptDescriptors().forEach(k -> rows.add(new SeriesText(Kind.KEPT, k.keyword(), k.value())));
        texts.cleaningNotes().forEach(n -> rows.add(new SeriesText(Kind.CLEANING_NOTE, null, n)));
        texts.unknownAttributesRemoved().forEach(t -> rows.add(new SeriesText(Kind.UNKNOWN_REMOVED, null, t)));
        return rows;
    }

    static SeriesTexts texts(List<SeriesText> rows) {
        List<SeriesTexts.KeptDescriptor> kept = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (SeriesText row : rows) {
            switch (row.kind) {
                case KEPT -> kept.add(new SeriesTexts.KeptDescriptor(row.keyword, row.text));
                case CLEANING_NOTE -> notes.add(row.text);
                case UNKNOWN_REMOVED -> unknown.add(row.text);
            }
        }
        return new SeriesTexts(kept, notes, unknown);
    }

    private static String fit(String text) {
        if (text.length() <= MAX_TEXT) {
            return text;
        }
        int keep = MAX_TEXT - 80;
        return text.substring(0, keep) + "… (" + (text.length() - keep) + " more characters, in the copy itself)";
    }
}
