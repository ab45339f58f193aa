package org.dicomstage.rt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The radiotherapy relations of one study as a tree: image series at the roots, structure sets under the
 * images they contour, plans under structure sets, doses, RT images and treatment records under plans, REG
 * and SEG under the series they reference. Built by {@link RtTreeBuilder}; immutable.
 */
public final class RtTree {

    /** Indentation of one level in {@link #rows()}: non-breaking, because HTML collapses ordinary spaces. */
    static final String INDENT = "\u00A0".repeat(4);
    private static final String GAP = "\u00A0\u00A0";
    static final String WARNING_SIGN = "\u26A0";

    /**
     * One line of the tree flattened for a checklist (Camunda Forms have no tree widget).
     *
     * @param depth 0 for roots
     * @param label indented text for the researcher, e.g. "    RTPLAN  PLAN1 — UNAPPROVED ⚠"
     * @param value the node id, what the checklist submits
     * @param kind lets a UI grey out {@link RtNodeKind#DANGLING} rows
     * @param flagged an unapproved or rejected plan, or a node with dangling references
     */
    public record Row(int depth, String label, String value, RtNodeKind kind, boolean flagged) {
    }

    private final List<RtNode> roots;
    private final Map<String, RtNode> nodesById = new LinkedHashMap<>();
    private final Map<String, Set<String>> instancesBySeries;

    RtTree(List<RtNode> roots, Map<String, Set<String>> instancesBySeries) {
        this.roots = List.copyOf(roots);
        this.instancesBySeries = instancesBySeries;
        roots.forEach(this::index);
    }

    private void index(RtNode node) {
        nodesById.put(node.id(), node);
        node.children().forEach(this::index);
    }

    public List<RtNode> roots() {
        return roots;
    }

    public Optional<RtNode> node(String id) {
        return Optional.ofNullable(nodesById.get(id));
    }

    /** Every node, depth first. */
    public List<RtNode> nodes() {
        return List.copyOf(nodesById.values());
    }

    /**
     * The selected nodes with their whole subtrees, the series to stage and what the researcher should be
     * told about them. Ids that are not in the tree (a form older than the tree) are reported, not staged.
     */
    public RtSelection closure(Set<String> selectedNodeIds) {
        Set<String> ids = new LinkedHashSet<>();
        Set<String> series = new LinkedHashSet<>();
        Set<String> warnings = new LinkedHashSet<>();
        Map<String, Set<String>> coveredInstances = new LinkedHashMap<>();
        Map<String, RtNode> firstNodeOfSeries = new LinkedHashMap<>();
        for (RtNode node : nodesById.values()) {
            if (selectedNodeIds.contains(node.id())) {
                collect(node, ids, series, warnings, coveredInstances, firstNodeOfSeries);
            }
        }
        for (String id : new TreeSet<>(selectedNodeIds)) {
            if (!nodesById.containsKey(id)) {
                warnings.add("Selected item " + id + " is not in the tree of this study; it was ignored");
            }
        }
        for (String uid : series) {
            Set<String> all = instancesBySeries.getOrDefault(uid, Set.of());
            Set<String> covered = coveredInstances.getOrDefault(uid, Set.of());
            if (!all.isEmpty() && !covered.containsAll(all)) {
                // Staging copies series, not instances: say so when the rest of the series was not picked.
                RtNode node = firstNodeOfSeries.get(uid);
                int others = (int) all.stream().filter(sop -> !covered.contains(sop)).count();
                warnings.add(node.modality() + " '" + node.label() + "' is staged as a whole series: " + others
                        + " of its " + all.size() + " instances belong to items that were not selected");
            }
        }
        return new RtSelection(ids, series, new ArrayList<>(warnings));
    }

    private static void collect(RtNode node, Set<String> ids, Set<String> series, Set<String> warnings,
            Map<String, Set<String>> coveredInstances, Map<String, RtNode> firstNodeOfSeries) {
        if (!ids.add(node.id())) {
            return;
        }
        if (!node.isDangling() && node.seriesInstanceUID() != null) {
            series.add(node.seriesInstanceUID());
            coveredInstances.computeIfAbsent(node.seriesInstanceUID(), k -> new LinkedHashSet<>())
                    .addAll(node.sopInstanceUIDs());
            firstNodeOfSeries.putIfAbsent(node.seriesInstanceUID(), node);
        }
        warnings.addAll(node.warnings());
        for (RtNode child : node.children()) {
            collect(child, ids, series, warnings, coveredInstances, firstNodeOfSeries);
        }
    }

    /** The tree depth first, one row per node, for a checklist. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (RtNode root : roots) {
            addRows(root, 0, rows);
        }
        return Collections.unmodifiableList(rows);
    }

    private static void addRows(RtNode node, int depth, List<Row> rows) {
        rows.add(new Row(depth, INDENT.repeat(depth) + rowText(node), node.id(), node.kind(),
                node.flagged() || !node.danglingReferences().isEmpty()));
        for (RtNode child : node.children()) {
            addRows(child, depth + 1, rows);
        }
    }

    static String rowText(RtNode node) {
        if (node.isDangling()) {
            return "MISSING" + GAP + node.label() + " \u2014 not in this study";
        }
        StringBuilder text = new StringBuilder();
        text.append(node.modality() == null || node.modality().isBlank() ? "?" : node.modality())
                .append(GAP).append(node.label());
        if (node.kind() == RtNodeKind.IMAGE_SERIES || node.kind() == RtNodeKind.OTHER || node.instanceCount() > 1) {
            text.append(" (").append(node.instanceCount())
                    .append(node.instanceCount() == 1 ? " instance)" : " instances)");
        }
        if (node.approvalStatus() != null) {
            text.append(" \u2014 ").append(node.approvalStatus());
            if (node.flagged()) {
                text.append(' ').append(WARNING_SIGN);
            }
        }
        if (!node.danglingReferences().isEmpty()) {
            text.append(" \u2014 references missing ")
                    .append(String.join(", ", node.danglingReferences().stream()
                            .map(DanglingReference::relation).distinct().toList()))
                    .append(' ').append(WARNING_SIGN);
        }
        return text.toString();
    }
}
