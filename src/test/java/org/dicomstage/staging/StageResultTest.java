package org.dicomstage.staging;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The line staging records for a series names the attributes it removed because nothing says what they are. */
class StageResultTest {

    @Test
    void theSummaryNamesUnknownAttributesRemoved() {
        StageResult staged = new StageResult("1.2.3", "2.25.1", "2.25.2", StageResult.Status.STAGED, 5, 5, List.of(),
                List.of("(3006,002D) ROIDateTime", "(3010,0101)"), 12, List.of(), List.of());
        StageResult plain = new StageResult("1.2.3", "2.25.1", "2.25.2", StageResult.Status.STAGED, 5, 5, List.of(),
                List.of(), 12, List.of(), List.of());

        assertThat(staged.summary())
                .isEqualTo("5 of 5 instances; removed unknown attributes (3006,002D) ROIDateTime, (3010,0101)");
        assertThat(plain.summary()).isEqualTo("5 of 5 instances");
    }
}
