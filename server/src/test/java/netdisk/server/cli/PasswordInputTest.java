package netdisk.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class PasswordInputTest {

    private static final CommandLine COMMAND_LINE = new CommandLine(CommandLine.Model.CommandSpec.create());

    @TempDir
    Path files;

    @Test
    void theLengthIsCountedInCharactersNotUtf16Units() throws Exception {
        assertThat(fromEnvironment("密码密码密码密码")).isEqualTo("密码密码密码密码".toCharArray());
        assertThatThrownBy(() -> fromEnvironment("🔑🔑🔑🔑")) // 8 UTF-16 units, 4 characters
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("too short");
    }

    @Test
    void aFileGivesItsFirstLineWhateverTheLineEnd() throws Exception {
        assertThat(fromFile("no line end at all".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("no line end at all".toCharArray());
        assertThat(fromFile("windows line\r\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("windows line".toCharArray());
        assertThat(fromFile("pässwörter\nzwei".getBytes(StandardCharsets.UTF_8))).isEqualTo("pässwörter".toCharArray());
        assertThatThrownBy(() -> fromFile("\nthe second line does not count".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("the password is empty");
    }

    @Test
    void aFileThatIsNotUtf8IsRefused() {
        byte[] latin1 = "pässwörter".getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> fromFile(latin1)).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("is not UTF-8");
    }

    private char[] fromEnvironment(String value) throws Exception {
        return new PasswordInput(Map.of(PasswordInput.VARIABLE, value)::get, Optional::empty)
                .read(COMMAND_LINE, null, "alice");
    }

    private char[] fromFile(byte[] content) throws Exception {
        Path file = Files.write(files.resolve("pw"), content);
        return new PasswordInput(name -> null, Optional::empty).read(COMMAND_LINE, file, "alice");
    }
}
