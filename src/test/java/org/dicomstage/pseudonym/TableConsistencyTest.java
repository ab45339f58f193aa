package org.dicomstage.pseudonym;

import com.pixelmed.dicom.DicomDictionary;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** The Annex E table resource names each tag by the keyword the dictionary uses (catches typos in tags). */
class TableConsistencyTest {

    @Test
    void keywordsMatchTheDictionary() {
        List<String> mismatches = ConfidentialityTable.standard().rules().stream()
                .filter(rule -> {
                    String name = DicomDictionary.StandardDictionary.getNameFromTag(rule.tag());
                    return name != null && !Objects.equals(name, rule.keyword());
                })
                .map(rule -> rule.tag() + " " + rule.keyword() + " is "
                        + DicomDictionary.StandardDictionary.getNameFromTag(rule.tag()))
                .toList();
        assertThat(mismatches).isEmpty();
    }
}
