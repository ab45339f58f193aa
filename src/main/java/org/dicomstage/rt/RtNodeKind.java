package org.dicomstage.rt;

/** What a node of the RT tree stands for; the order is the order siblings are shown in. */
public enum RtNodeKind {
    IMAGE_SERIES,
    RTSTRUCT,
    RTPLAN,
    RTDOSE,
    RTIMAGE,
    RTRECORD,
    REG,
    SEG,
    OTHER,
    /** A referenced object that is not in the study: shown greyed out, nothing to stage. */
    DANGLING
}
