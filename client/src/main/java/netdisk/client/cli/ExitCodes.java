package netdisk.client.cli;

import netdisk.client.IncompatibleServerException;
import netdisk.client.ServerRefusedException;
import netdisk.client.ServerUnreachableException;
import netdisk.client.TransferInterruptedException;

import picocli.CommandLine;

/** The client's exit codes, one per kind of failure, and the one place that maps failures to them. */
final class ExitCodes {

    static final int OK = 0;
    static final int FAILURE = 1;
    static final int UNREACHABLE = 3;
    static final int BUSY = 4;
    static final int INCOMPATIBLE = 5;
    static final int REMOTE_PATH = 6;
    static final int LOCAL_FILE = 7;
    static final int INTERRUPTED = 8;
    static final int SERVER_STORAGE = 9;

    static final String SUMMARY = "0 ok, 1 failure, 2 usage error, 3 server unreachable, "
            + "4 server busy or shutting down, 5 not a compatible netdisk server, 6 no such remote file or refused "
            + "remote path, 7 local file problem, 8 transfer interrupted, 9 server storage error (e.g. no space).";

    private ExitCodes() {
    }

    /** picocli's execution-exception handler: one line on stderr, the matching code. */
    static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        commandLine.getErr().println("netdisk: " + e.getMessage());
        return of(e);
    }

    static int of(Exception e) {
        return switch (e) {
            case ServerUnreachableException u -> UNREACHABLE;
            case IncompatibleServerException i -> INCOMPATIBLE;
            case TransferInterruptedException t -> INTERRUPTED;
            case LocalFileException l -> LOCAL_FILE;
            case ServerRefusedException refused -> refused.code().map(code -> switch (code) {
                case SERVER_BUSY, SHUTTING_DOWN -> BUSY;
                case VERSION_MISMATCH -> INCOMPATIBLE;
                case NOT_FOUND, BAD_PATH, IS_A_DIRECTORY -> REMOTE_PATH;
                case NO_SPACE, STORAGE_ERROR, TRANSFER_FAILED -> SERVER_STORAGE;
                default -> FAILURE;
            }).orElse(FAILURE);
            default -> FAILURE;
        };
    }
}
