package org.dicomstage.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * At start-up, resolves the secret of every study that stages DICOM (or names a secret), so that a missing
 * variable or an unreadable secret file stops the start with the study and the reference named, instead of failing
 * the first staging job of that study hours later. Runs once all singletons exist (Flyway has migrated) and before
 * the job workers start; the secrets' bytes are wiped right away.
 */
@Component
class StudySecretsCheck implements SmartInitializingSingleton {

    private final StudyRepository studies;
    private final StudySecrets secrets;

    StudySecretsCheck(StudyRepository studies, StudySecrets secrets) {
        this.studies = studies;
        this.secrets = secrets;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<String> problems = new ArrayList<>();
        for (Study study : studies.findAll()) {
            // Study0 is the source: nothing is pseudonymized for it.
            if (study.sourceArchive() || (!study.dicomEnabled() && study.secretReference() == null)) {
                continue;
            }
            try {
                Arrays.fill(secrets.resolve(study.identifier(), study.secretReference()), (byte) 0);
            } catch (StudySecretUnavailable e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new StudySecretUnavailable("Start-up check of study secrets failed:\n  - "
                    + String.join("\n  - ", problems));
        }
    }
}
