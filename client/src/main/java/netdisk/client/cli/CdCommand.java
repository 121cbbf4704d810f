package netdisk.client.cli;

import java.util.concurrent.Callable;

import netdisk.client.RemotePath;
import netdisk.client.ServerRefusedException;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cd [PATH]}: changes the remote working directory, after asking the server that it is one. It is saved
 * with the login, so that a one-shot {@code cd} holds for the next one-shot command.
 */
@Command(name = "cd", mixinStandardHelpOptions = true,
        description = "Changes the remote working directory (default: /).")
final class CdCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "Remote directory.")
    String path;

    private final Remote remote;

    CdCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        String absolute = path == null ? RemotePath.ROOT : remote.resolve(path);
        if (!remote.client().stat(absolute).entry().isDirectory()) {
            throw new ServerRefusedException(ErrorReply.of(ErrorCode.NOT_A_DIRECTORY, absolute + " is a file"));
        }
        remote.changeDirectory(absolute);
        return ExitCodes.OK;
    }
}
