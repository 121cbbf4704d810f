package netdisk.client.cli;

import java.lang.reflect.Constructor;
import java.util.Objects;

import picocli.CommandLine;

/**
 * Makes the command objects for picocli, handing each the {@link Remote} it works on: a command class with a
 * {@code (Remote)} constructor gets the shared one, so the same class serves the one-shot client and the shell.
 */
final class CommandFactory implements CommandLine.IFactory {

    private final Remote remote;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    CommandFactory(Remote remote) {
        this.remote = Objects.requireNonNull(remote, "remote");
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Constructor<K> constructor;
        try {
            constructor = type.getDeclaredConstructor(Remote.class);
        } catch (NoSuchMethodException e) {
            return fallback.create(type);
        }
        return constructor.newInstance(remote);
    }
}
