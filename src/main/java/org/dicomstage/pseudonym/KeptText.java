package org.dicomstage.pseudonym;

/**
 * A free-text value that left in a copy after cleaning: a descriptor kept under Clean Descriptors, or the text of
 * an SR content item. The reviewer reads these, so that a human sees every word that left the archive.
 *
 * @param keyword the attribute's keyword, e.g. {@code StudyDescription} or {@code TextValue}
 * @param value   the value as written
 */
public record KeptText(String keyword, String value) {
}
