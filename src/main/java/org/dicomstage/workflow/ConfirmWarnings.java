package org.dicomstage.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dicomstage.rt.RtNode;
import org.dicomstage.rt.RtTree;

/**
 * The Confirm form's warnings as rows that hold for any unticking: one per reference between two series of the
 * selection (shown when the referencing series stays ticked and the referenced one is unticked) and one per warning
 * about a series itself (an unapproved plan, a reference to something not in Study0; shown while it is ticked).
 * Every text names series by modality and label, never by UID.
 */
final class ConfirmWarnings {

    static final String SERIES = "seriesInstanceUid";
    static final String REFERENCED_SERIES = "referencedSeriesUid";
    static final String WARNING = "warning";

    private ConfirmWarnings() {
    }

    /** @param selected the series of the expanded selection */
    static List<Map<String, Object>> of(RtTree tree, Set<String> selected) {
        Set<List<String>> seen = new LinkedHashSet<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RtNode node : tree.nodes()) {
            if (node.isDangling() || !selected.contains(node.seriesInstanceUID())) {
                continue;
            }
            for (String warning : node.warnings()) {
                add(rows, seen, node.seriesInstanceUID(), null, warning);
            }
            for (RtNode child : node.children()) {
                if (child.isDangling() || !selected.contains(child.seriesInstanceUID())
                        || child.seriesInstanceUID().equals(node.seriesInstanceUID())) {
                    continue;
                }
                add(rows, seen, child.seriesInstanceUID(), node.seriesInstanceUID(), name(child) + " references "
                        + relation(node) + " '" + label(node) + "', which will not be copied");
            }
        }
        return rows;
    }

    private static void add(List<Map<String, Object>> rows, Set<List<String>> seen, String series, String referenced,
                            String warning) {
        if (!seen.add(java.util.Arrays.asList(series, referenced, warning))) {
            return;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(SERIES, series);
        row.put(REFERENCED_SERIES, referenced);
        row.put(WARNING, warning);
        rows.add(row);
    }

    /** "RTDOSE 'Dose PLAN'". */
    static String name(RtNode node) {
        return node.modality() + " '" + label(node) + "'";
    }

    private static String label(RtNode node) {
        String label = node.label();
        return label == null || label.isBlank() ? "without a name" : label;
    }

    /** What the referenced object is to the one referencing it, in words. */
    private static String relation(RtNode node) {
        return switch (node.kind()) {
            case RTPLAN -> "plan";
            case RTSTRUCT -> "structure set";
            case RTDOSE -> "dose";
            case IMAGE_SERIES -> node.modality() + " series";
            case REG -> "registration";
            case SEG -> "segmentation";
            default -> node.modality();
        };
    }
}
