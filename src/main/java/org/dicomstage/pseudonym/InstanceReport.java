package org.dicomstage.pseudonym;

import java.util.List;

/**
 * What a reviewer needs to know of one pseudonymized instance beyond its pixels.
 *
 * @param sopInstanceUID the copy's SOP Instance UID
 * @param keptText       every distinct descriptor and SR text value the copy carries, after cleaning
 * @param cleaningNotes  one line per value that could not be cleaned safely and was replaced by a dummy: the
 *                       attribute and the reason, never the value
 */
public record InstanceReport(String sopInstanceUID, List<KeptText> keptText, List<String> cleaningNotes) {

    public InstanceReport {
        keptText = List.copyOf(keptText);
        cleaningNotes = List.copyOf(cleaningNotes);
    }
}
