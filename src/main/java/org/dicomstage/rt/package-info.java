/**
 * The radiotherapy relation tree (image series, RTSTRUCT, RTPLAN, RTDOSE, RT image, treatment records,
 * REG and SEG) built from RT headers, and the closure of a selection. Pure: no Spring, no I/O.
 *
 * <p>Entry point: {@link org.dicomstage.rt.RtTreeBuilder#build}; callers fetch the headers of the series for
 * which {@link org.dicomstage.rt.RtTreeBuilder#needsHeaders} is true, because C-FIND cannot return reference
 * sequences.
 */
package org.dicomstage.rt;
