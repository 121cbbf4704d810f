package netdisk.client.cli;

import netdisk.client.IncompatibleServerException;
import netdisk.client.IntegrityException;
import netdisk.client.InvalidRemotePathException;
import netdisk.client.LocalTargetException;
import netdisk.client.ServerRefusedException;
import netdisk.client.ServerUnreachableException;
import netdisk.client.TransferInterruptedException;

import picocli.CommandLine;

/**
 * The client's exit codes, one per kind of failure, and the one place that maps failures to them. The numbers are a
 * contract for scripts (docs/client.md): existing ones never change meaning, new ones are added at the end.
 */
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
    static final int NOT_LOGGED_IN = 10;
    static final int TOO_MANY_ATTEMPTS = 11;
    static final int ALREADY_EXISTS = 12;
    static final int WRONG_KIND = 13;
    static final int NOT_EMPTY = 14;
    static final int QUOTA_EXCEEDED = 15;
    static final int REGISTRATION_CLOSED = 16;
    static final int INVALID_OPERATION = 17;
    static final int INTEGRITY = 18;

    static final String SUMMARY = "0 ok, 1 failure, 2 usage error, 3 server unreachable, "
            + "4 server busy or shutting down, 5 not a compatible netdisk server, 6 no such remote file or refused "
            + "remote path, 7 local file problem, 8 transfer interrupted, 9 server storage error (e.g. no space), "
            + "10 not logged in or login failed, 11 too many login attempts, 12 already exists, "
            + "13 not a directory or is a directory, 14 directory not empty, 15 quota exceeded, "
            + "16 registration closed or refused, 17 invalid operation (e.g. a directory into itself), "
            + "18 content did not match its SHA-256.";

    private ExitCodes() {
    }

    /** picocli's execution-exception handler: one line on stderr, the matching code. */
    static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        commandLine.getErr().println("netdisk: " + message(e));
        commandLine.getErr().flush();
        return of(e);
    }

    /** What to tell the user: the exception's message, which every failure here writes for people. */
    static String message(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    static int of(Exception e) {
        return switch (e) {
            case ServerUnreachableException u -> UNREACHABLE;
            case IncompatibleServerException i -> INCOMPATIBLE;
            case TransferInterruptedException t -> INTERRUPTED;
            case IntegrityException i -> INTEGRITY;
            case LocalFileException l -> LOCAL_FILE;
            case LocalTargetException l -> LOCAL_FILE;
            case InvalidRemotePathException p -> REMOTE_PATH;
            case NotLoggedInException n -> NOT_LOGGED_IN;
            case ServerRefusedException refused -> refused.code().map(code -> switch (code) {
                case SERVER_BUSY, SHUTTING_DOWN -> BUSY;
                case VERSION_MISMATCH -> INCOMPATIBLE;
                case NOT_FOUND, BAD_PATH -> REMOTE_PATH;
                case NO_SPACE, STORAGE_ERROR -> SERVER_STORAGE;
                case TRANSFER_FAILED -> INTEGRITY; // an upload, or its proof, did not match its SHA-256
                case AUTH_REQUIRED, LOGIN_FAILED -> NOT_LOGGED_IN;
                case TOO_MANY_ATTEMPTS -> TOO_MANY_ATTEMPTS;
                case ALREADY_EXISTS -> ALREADY_EXISTS;
                case NOT_A_DIRECTORY, IS_A_DIRECTORY -> WRONG_KIND;
                case NOT_EMPTY -> NOT_EMPTY;
                case QUOTA_EXCEEDED -> QUOTA_EXCEEDED;
                case REGISTRATION_CLOSED, ACCOUNT_REFUSED -> REGISTRATION_CLOSED;
                case INVALID_OPERATION -> INVALID_OPERATION;
                case PROTOCOL_ERROR, UNSUPPORTED, INTERNAL, TIMEOUT -> FAILURE;
            }).orElse(FAILURE);
            default -> FAILURE;
        };
    }
}
