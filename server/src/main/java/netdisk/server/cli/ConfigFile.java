package netdisk.server.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: defaults for the options of {@code serve} and {@code serve-file} from a Java properties
 * file (UTF-8) whose keys are the long option names without {@code --}: {@code port = 7477},
 * {@code queue-timeout = 30s}, {@code data = /srv/netdisk}. Options on the command line override the file. See
 * {@code docs/configuration.md}.
 *
 * <p>How: picocli asks a command's default value provider about each option the command line did not give, after
 * it has parsed the command line. So this provider can read {@code --config} from the parsed command and answer with
 * what the file says, and options given on the command line are never asked about, which is how they win. The
 * answers come from picocli's own {@link CommandLine.PropertiesDefaultProvider}, whose key for an option is its
 * {@code descriptionKey} or else its longest name without the dashes; no serve option has a {@code descriptionKey},
 * so the keys are exactly the option names.
 *
 * <p>That provider ignores keys that match no option, so a misspelt key would quietly do nothing; every key is
 * therefore checked against the command's options first, and an unknown one, like a missing or unreadable file, is
 * a usage error (exit 2) naming it.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {

    static final String OPTION = "--config";

    private Path loadedFrom;
    private CommandLine.PropertiesDefaultProvider values;

    @Override
    public String defaultValue(ArgSpec argument) throws Exception {
        CommandLine.PropertiesDefaultProvider file = values(argument.command());
        return file == null ? null : file.defaultValue(argument);
    }

    /**
     * The values of the file that {@code --config} names in {@code command}, read and checked once; null without
     * {@code --config}.
     *
     * @throws CommandLine.ParameterException the file cannot be read or has a key that is no option
     */
    CommandLine.PropertiesDefaultProvider values(CommandSpec command) {
        OptionSpec option = command.findOption(OPTION);
        Path file = option == null ? null : option.getValue();
        if (file == null) {
            return null;
        }
        if (!file.equals(loadedFrom)) {
            values = new CommandLine.PropertiesDefaultProvider(read(command, file));
            loadedFrom = file;
        }
        return values;
    }

    private static Properties read(CommandSpec command, Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "cannot read config file " + file + ": " + e);
        }
        Set<String> keys = keys(command);
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (!keys.contains(key)) {
                throw new CommandLine.ParameterException(command.commandLine(), "unknown key '" + key
                        + "' in config file " + file + "; the keys are " + String.join(", ", keys));
            }
        }
        return properties;
    }

    /** The options a file may set: all but help, version and {@code --config} itself, named without dashes. */
    static Set<String> keys(CommandSpec command) {
        Set<String> keys = new TreeSet<>();
        for (OptionSpec option : command.options()) {
            if (!option.usageHelp() && !option.versionHelp() && !option.longestName().equals(OPTION)) {
                keys.add(option.longestName().replaceFirst("^-+", ""));
            }
        }
        return keys;
    }
}
