package org.dicomstage.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dicomstage.study.SeriesTexts;

/**
 * The review form's table of what leaves the archive as text, series by series (by label, never by patient): every
 * descriptor value kept after cleaning, every value replaced because it could not be cleaned, every unknown attribute
 * removed. A process variable must stay small, so the table stops after {@value #MAX_ROWS} rows and one more row says
 * how many the request page lists besides; a very long value is cut the same way.
 */
final class KeptDescriptorRows {

    static final int MAX_ROWS = 500;
    static final int MAX_VALUE = 1000;

    static final String SERIES = "series";
    static final String WHAT = "what";
    static final String ATTRIBUTE = "attribute";
    static final String VALUE = "value";

    static final String KEPT = "kept, after cleaning";
    static final String REPLACED = "could not be cleaned safely: replaced by a dummy";
    static final String REMOVED = "removed: unknown attribute";
    static final String NOTHING = "no text kept";

    /** One series of the review: its label, e.g. "CT 'Planning CT'", and its texts. */
    record Series(String label, SeriesTexts texts) {
    }

    private KeptDescriptorRows() {
    }

    static List<Map<String, Object>> rows(List<Series> series) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Series s : series) {
            SeriesTexts t = s.texts();
            t.keptDescriptors().forEach(k -> all.add(row(s.label(), KEPT, k.keyword(), k.value())));
            t.cleaningNotes().forEach(n -> all.add(row(s.label(), REPLACED, "", n)));
            t.unknownAttributesRemoved().forEach(tag -> all.add(row(s.label(), REMOVED, tag, "")));
            if (t.isEmpty()) {
                all.add(row(s.label(), NOTHING, "", ""));
            }
        }
        if (all.size() <= MAX_ROWS) {
            return all;
        }
        List<Map<String, Object>> shown = new ArrayList<>(all.subList(0, MAX_ROWS));
        shown.add(row("", "and " + (all.size() - MAX_ROWS) + " more rows", "",
                "The request page lists all of them."));
        return shown;
    }

    private static Map<String, Object> row(String series, String what, String attribute, String value) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(SERIES, series);
        row.put(WHAT, what);
        row.put(ATTRIBUTE, attribute);
        row.put(VALUE, value.length() <= MAX_VALUE ? value : value.substring(0, MAX_VALUE) + "… ("
                + (value.length() - MAX_VALUE) + " more characters: the request page shows all)");
        return row;
    }
}
