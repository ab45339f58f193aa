/**
 * The radiotherapy relation tree (image series, RTSTRUCT, RTPLAN, RTDOSE, RT image, treatment records,
 * REG and SEG) built from RT headers, and the closure of a selection. Pure.
 */
package org.dicomstage.rt;
