package org.dicomstage.study;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StudySecretsCheckTest {

    private final StudyRepository repository = mock(StudyRepository.class);
    private final StudySecrets secrets = new StudySecrets(Map.of("DICOMSTAGE_SECRET_A", "a-secret")::get);

    @Test
    void everyStagingStudyWithoutAResolvableSecretIsNamed() {
        when(repository.findAll()).thenReturn(List.of(
                new Study("A", "resolvable").pseudonymization("basic", "env:DICOMSTAGE_SECRET_A")
                        .archive("project", true, false),
                new Study("B", "variable missing").pseudonymization("basic", "env:DICOMSTAGE_SECRET_B")
                        .archive("project", true, false),
                new Study("C", "no reference").archive("project", true, false)));

        assertThatThrownBy(() -> new StudySecretsCheck(repository, secrets).afterSingletonsInstantiated())
                .isInstanceOf(StudySecretUnavailable.class)
                .hasMessage("Start-up check of study secrets failed:\n"
                        + "  - Secret of study 'B' (reference 'env:DICOMSTAGE_SECRET_B') cannot be resolved:"
                        + " environment variable DICOMSTAGE_SECRET_B is not set or empty\n"
                        + "  - Secret of study 'C' (reference 'null') cannot be resolved: the study has no secret"
                        + " reference");
    }

    @Test
    void sourceArchiveAndStudiesWithoutDicomNeedNoSecret() {
        when(repository.findAll()).thenReturn(List.of(
                new Study("STUDY0", "source").archive("study0", true, true),
                new Study("Q", "questionnaires only").archive(null, false, false),
                new Study("A", "resolvable").pseudonymization("basic", "env:DICOMSTAGE_SECRET_A")
                        .archive("project", true, false)));

        assertThatCode(() -> new StudySecretsCheck(repository, secrets).afterSingletonsInstantiated())
                .doesNotThrowAnyException();
    }
}
