package org.dicomstage.rt;

import java.util.List;

/**
 * One node of the RT tree: a series, or the part of a series whose instances reference the parent node.
 * The same series can therefore appear under several parents, each time covering only the instances that
 * reference that parent.
 *
 * @param id stable across rebuilds of the same study (series UIDs along the path), usable as a form value
 * @param kind what the node stands for
 * @param modality the series' modality; for {@link RtNodeKind#DANGLING} the modality the target would have
 *        (may be {@code null})
 * @param seriesInstanceUID the series; for a dangling node the referenced series if the reference names it,
 *        else {@code null}
 * @param sopInstanceUIDs the instances this node covers, sorted; empty for image series and other series
 *        whose instance headers were not read
 * @param instanceCount the number of instances this node covers (for image series the C-FIND count)
 * @param label short human name: plan label, structure set label, series description, ...
 * @param description the series description, or {@code null}
 * @param rtPlanLabel plans only (else {@code null}); several plans in one node are joined by ", "
 * @param rtPlanName plans only (else {@code null})
 * @param approvalStatus plans only: APPROVED, UNAPPROVED, REJECTED, another value as found, or
 *        {@code null} when absent; for a node with several plans the least approved
 * @param flagged a plan whose approval status is present but not APPROVED
 * @param structureSetLabel structure sets only (else {@code null})
 * @param danglingReferences references of this node's instances whose targets are not in the study
 * @param warnings what a researcher should know before staging this node, human readable
 * @param children child nodes, in display order
 */
public record RtNode(
        String id,
        RtNodeKind kind,
        String modality,
        String seriesInstanceUID,
        List<String> sopInstanceUIDs,
        int instanceCount,
        String label,
        String description,
        String rtPlanLabel,
        String rtPlanName,
        String approvalStatus,
        boolean flagged,
        String structureSetLabel,
        List<DanglingReference> danglingReferences,
        List<String> warnings,
        List<RtNode> children) {

    public RtNode {
        sopInstanceUIDs = List.copyOf(sopInstanceUIDs);
        danglingReferences = List.copyOf(danglingReferences);
        warnings = List.copyOf(warnings);
        children = List.copyOf(children);
    }

    public boolean isDangling() {
        return kind == RtNodeKind.DANGLING;
    }
}
