package netdisk.server.cli;

import java.nio.file.Path;

import netdisk.server.ServerConfig;

import picocli.CommandLine.Option;

/** {@code --data DIR}, shared by every command that finds a server by its data directory. */
final class DataOption {

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory (default: $XDG_DATA_HOME/netdisk or ~/.local/share/netdisk).")
    Path data;

    Path resolve() {
        return data != null ? data : ServerConfig.defaultDataDir();
    }
}
