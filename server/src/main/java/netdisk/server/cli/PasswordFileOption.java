package netdisk.server.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** {@code --password-file FILE}, shared by the commands that set a password (see {@link PasswordInput}). */
final class PasswordFileOption {

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the password from the first line of FILE.")
    Path file;
}
