package org.dicomstage.rt;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What selecting some nodes of an {@link RtTree} means.
 *
 * @param nodeIds the selected nodes and everything below them, in tree order
 * @param seriesInstanceUIDs the series to stage, each once even when it appears under several nodes
 * @param warnings human-readable notes for the researcher (unapproved plans, dangling references, series
 *        that are staged whole although only part of them was selected, unknown ids), without repeats
 */
public record RtSelection(Set<String> nodeIds, Set<String> seriesInstanceUIDs, List<String> warnings) {

    public RtSelection {
        nodeIds = Collections.unmodifiableSet(new LinkedHashSet<>(nodeIds));
        seriesInstanceUIDs = Collections.unmodifiableSet(new LinkedHashSet<>(seriesInstanceUIDs));
        warnings = List.copyOf(warnings);
    }
}
