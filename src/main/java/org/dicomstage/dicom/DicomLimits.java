package org.dicomstage.dicom;

/**
 * What a data set from outside may declare before anything is allocated for it: the longest single element
 * value and the deepest nesting of sequences. {@link PixelDataDigest}'s structure walk enforces both (together with
 * "every declared length fits in the bytes that remain") before PixelMed parses an object, on every path that reads
 * DICOM from outside: the embedded archive's C-STORE and import, staging's retrieve, the pseudonymizer (CLI and
 * staging) and DICOMweb multipart.
 *
 * <p>PixelMed allocates an element's declared length before reading it, and recurses once per nested sequence, so a
 * few hundred bytes can otherwise cost gigabytes of heap or the thread's stack.
 *
 * @param maxElementBytes  longest element value accepted, in bytes (Pixel Data included)
 * @param maxSequenceDepth deepest nesting of sequences accepted (a top-level sequence is depth 1)
 */
public record DicomLimits(long maxElementBytes, int maxSequenceDepth) {

    /**
     * 1 GiB: above any single frame or dose grid we have seen, below what PixelMed can hold in one array. Depth 64:
     * real RT and SR objects nest well under 20; PixelMed's stack ran out from about 300 on a default thread.
     */
    public static final DicomLimits DEFAULT = new DicomLimits(1L << 30, 64);

    private static volatile DicomLimits current = DEFAULT;

    public DicomLimits {
        if (maxElementBytes < 1 || maxSequenceDepth < 1) {
            throw new IllegalArgumentException("DICOM limits must be positive: max-element-bytes=" + maxElementBytes
                    + ", max-sequence-depth=" + maxSequenceDepth);
        }
    }

    /** The limits in force in this JVM: {@link #DEFAULT} unless the service configured others at start-up. */
    public static DicomLimits current() {
        return current;
    }

    /**
     * Sets the limits for this JVM (the service does it once from {@code dicomstage.limits.*}). Process-wide on
     * purpose: the structure walk runs inside the pure pseudonymizer too, which has no configuration of its own.
     */
    public static void configure(DicomLimits limits) {
        current = limits == null ? DEFAULT : limits;
    }
}
