package org.dicomstage.dicom;

/** A technical failure talking to a node: worth a retry. The message names the node and the operation. */
public class DicomNodeException extends RuntimeException {

    public DicomNodeException(String message) {
        super(message);
    }

    public DicomNodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
