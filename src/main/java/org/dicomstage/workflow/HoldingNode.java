package org.dicomstage.workflow;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.springframework.stereotype.Component;

/**
 * The node staging writes to: {@code dicomstage.nodes.holding}. Copies are verified and reviewed there; only Accept
 * publishes them to the project archive, and Send back, Abort and Cancel delete them. So it must be able to delete,
 * which is checked at start-up: an embedded archive, or an Orthanc behind DICOMweb with its REST root configured
 * ({@code orthanc-rest-url}). A DIMSE node cannot (DIMSE has no delete operation).
 */
@Component
class HoldingNode {

    static final String NAME = "holding";

    private final DicomNode node;

    HoldingNode(DicomNodeRegistry nodes) {
        if (!nodes.names().contains(NAME)) {
            throw new IllegalStateException("no holding node: configure dicomstage.nodes." + NAME + " (EMBEDDED, or "
                    + "DICOMWEB with orthanc-rest-url); staging copies go there until they are accepted");
        }
        this.node = nodes.node(NAME);
        if (!node.canDelete()) {
            throw new IllegalStateException("the holding node dicomstage.nodes." + NAME + " cannot delete series ("
                    + node.getClass().getSimpleName() + "): use an EMBEDDED node, or a DICOMWEB node with "
                    + "orthanc-rest-url; DIMSE has no delete operation");
        }
    }

    DicomNode node() {
        return node;
    }
}
