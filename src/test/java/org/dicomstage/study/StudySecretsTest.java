package org.dicomstage.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudySecretsTest {

    private static final String SECRET = "s3cr3t-value-never-shown";

    private final StudySecrets secrets = new StudySecrets(Map.of("MY_SECRET", SECRET, "EMPTY", "")::get);

    @Test
    void resolvesAnEnvironmentReference() {
        assertThat(secrets.resolve("RT-HN-2026", "env:MY_SECRET")).isEqualTo(SECRET.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void resolvesAFileReferenceWithoutItsTrailingLineBreak(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), SECRET + "\r\n");

        assertThat(secrets.resolve("RT-HN-2026", "file:" + file))
                .isEqualTo(SECRET.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsBinaryFileContentAsIs(@TempDir Path dir) throws Exception {
        byte[] key = {0, 1, 2, (byte) 0xff, ' ', 3};
        Path file = Files.write(dir.resolve("key.bin"), key);

        assertThat(secrets.resolve("RT-HN-2026", "file:" + file)).isEqualTo(key);
    }

    @Test
    void missingVariableNamesStudyAndReference() {
        assertThatThrownBy(() -> secrets.resolve("RT-HN-2026", "env:NOT_SET"))
                .isInstanceOf(StudySecretUnavailable.class)
                .hasMessageContaining("RT-HN-2026")
                .hasMessageContaining("env:NOT_SET")
                .hasMessageContaining("not set");
        assertThatThrownBy(() -> secrets.resolve("RT-HN-2026", "env:EMPTY"))
                .isInstanceOf(StudySecretUnavailable.class).hasMessageContaining("env:EMPTY");
    }

    @Test
    void missingOrEmptyFileNamesStudyAndReference(@TempDir Path dir) throws Exception {
        String missing = "file:" + dir.resolve("absent");
        assertThatThrownBy(() -> secrets.resolve("RT-HN-2026", missing))
                .isInstanceOf(StudySecretUnavailable.class)
                .hasMessageContaining("RT-HN-2026")
                .hasMessageContaining(missing)
                .hasMessageContaining("does not exist");

        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> secrets.resolve("RT-HN-2026", "file:" + empty))
                .isInstanceOf(StudySecretUnavailable.class).hasMessageContaining("is empty");
    }

    @Test
    void unknownSchemeOrNoReferenceIsRejectedWithoutEchoingAnyValue() {
        assertThatThrownBy(() -> secrets.resolve("RT-HN-2026", SECRET))
                .isInstanceOf(StudySecretUnavailable.class)
                .hasMessageContaining("RT-HN-2026")
                .hasMessageContaining("unknown scheme")
                .message().doesNotContain(SECRET);
        assertThatThrownBy(() -> secrets.resolve("STUDY0", null))
                .isInstanceOf(StudySecretUnavailable.class)
                .hasMessageContaining("STUDY0")
                .hasMessageContaining("no secret reference");
    }

    @Test
    void theResolvedSecretNeverAppearsInAnErrorMessage() {
        StudySecrets returnsTheSecretAsAName = new StudySecrets(name -> name.equals("A") ? SECRET : null);

        assertThat(returnsTheSecretAsAName.resolve("S", "env:A")).isNotEmpty();
        assertThatThrownBy(() -> returnsTheSecretAsAName.resolve("S", "env:B"))
                .message().doesNotContain(SECRET);
    }
}
