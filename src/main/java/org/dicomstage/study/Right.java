package org.dicomstage.study;

/** What a member may do with a study's data; granted per membership, independent of the role. */
public enum Right {
    LOOKUP, STAGE, REVIEW, DOWNLOAD
}
