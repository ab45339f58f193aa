package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.dicomstage.study.SeriesTexts;
import org.dicomstage.study.SeriesTexts.KeptDescriptor;
import org.junit.jupiter.api.Test;

/** The review form's table of text leaving the archive: per series by label, in words, and bounded. */
class KeptDescriptorRowsTest {

    @Test
    void eachSeriesListsItsKeptValuesItsReplacedValuesAndItsRemovedAttributesInWords() {
        List<Map<String, Object>> rows = KeptDescriptorRows.rows(List.of(
                new KeptDescriptorRows.Series("CT 'Planning CT'", new SeriesTexts(
                        List.of(new KeptDescriptor("StudyDescription", "HEAD NECK PLANNING")),
                        List.of("SOP instance 2.25.3: ImageComments (0020,4000) replaced by a dummy value: undecodable"),
                        List.of("(0019,0010)"))),
                new KeptDescriptorRows.Series("RTSTRUCT", SeriesTexts.NONE)));

        assertThat(rows).containsExactly(
                Map.of("series", "CT 'Planning CT'", "what", "kept, after cleaning", "attribute", "StudyDescription",
                        "value", "HEAD NECK PLANNING"),
                Map.of("series", "CT 'Planning CT'", "what", "could not be cleaned safely: replaced by a dummy",
                        "attribute", "", "value",
                        "SOP instance 2.25.3: ImageComments (0020,4000) replaced by a dummy value: undecodable"),
                Map.of("series", "CT 'Planning CT'", "what", "removed: unknown attribute", "attribute", "(0019,0010)",
                        "value", ""),
                Map.of("series", "RTSTRUCT", "what", "no text kept", "attribute", "", "value", ""));
    }

    @Test
    void theTableStopsAfterFiveHundredRowsAndSaysHowManyTheRequestPageListsBesides() {
        List<KeptDescriptor> values = IntStream.range(0, 700)
                .mapToObj(i -> new KeptDescriptor("ImageComments", "slice " + i)).toList();
        List<Map<String, Object>> rows = KeptDescriptorRows.rows(List.of(new KeptDescriptorRows.Series("CT",
                new SeriesTexts(values, List.of(), List.of("(0019,0010)")))));

        assertThat(rows).hasSize(501);
        assertThat(rows.get(499)).containsEntry("value", "slice 499");
        assertThat(rows.get(500)).containsEntry("what", "and 201 more rows")
                .containsEntry("value", "The request page lists all of them.");
    }

    @Test
    void aLongValueIsCutInTheVariableAndPointsToTheRequestPage() {
        String report = "x".repeat(1500);
        List<Map<String, Object>> rows = KeptDescriptorRows.rows(List.of(new KeptDescriptorRows.Series("SR",
                new SeriesTexts(List.of(new KeptDescriptor("TextValue", report)), List.of(), List.of()))));

        assertThat((String) rows.get(0).get("value")).startsWith("x".repeat(1000))
                .endsWith("… (500 more characters: the request page shows all)");
    }
}
