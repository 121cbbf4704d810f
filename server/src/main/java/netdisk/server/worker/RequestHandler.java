package netdisk.server.worker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import netdisk.protocol.CopyRequest;
import netdisk.protocol.Done;
import netdisk.protocol.Entry;
import netdisk.protocol.EntryReply;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.Frame;
import netdisk.protocol.GetFile;
import netdisk.protocol.GetFrom;
import netdisk.protocol.GetRequest;
import netdisk.protocol.Hello;
import netdisk.protocol.ListRequest;
import netdisk.protocol.Listing;
import netdisk.protocol.Login;
import netdisk.protocol.LoginOk;
import netdisk.protocol.Logout;
import netdisk.protocol.Message;
import netdisk.protocol.MessageType;
import netdisk.protocol.MkdirRequest;
import netdisk.protocol.MoveRequest;
import netdisk.protocol.Ping;
import netdisk.protocol.Pong;
import netdisk.protocol.PutFile;
import netdisk.protocol.PutInline;
import netdisk.protocol.PutStream;
import netdisk.protocol.Ticket;
import netdisk.protocol.TicketRequest;
import netdisk.protocol.PutRequest;
import netdisk.protocol.Register;
import netdisk.protocol.RemoveRequest;
import netdisk.protocol.StatRequest;
import netdisk.protocol.UsageRequest;
import netdisk.server.audit.AuditEvent;
import netdisk.server.audit.AuditLog;
import netdisk.server.auth.Accounts;
import netdisk.server.auth.AuthException;
import netdisk.server.auth.TransferTickets;
import netdisk.server.disk.Disk;
import netdisk.server.disk.DiskException;
import netdisk.server.disk.DiskPath;
import netdisk.server.storage.CachedMetadataStore;
import netdisk.server.storage.User;

/**
 * Serves the requests of one welcomed session: message type → typed call → answer(s), and one audit line per
 * operation. Holds the session's login: every request but {@link Ping}, {@link Login} and {@link Register} needs one,
 * and acts only inside the logged-in user's tree.
 *
 * <p>A <em>transfer connection</em> is one that logged in with a transfer ticket ({@link Login#TICKET}): it may only
 * move files ({@link #TRANSFERS}) and renew its ticket, and only while the ticket is valid. The ticket is checked when
 * a request starts, never in the middle of one, so a transfer that started never fails because the ticket expired.
 */
final class RequestHandler {

    /** Entries per {@link Listing} frame: at most ~340 bytes each, so a frame stays far below the 1 MiB limit. */
    static final int ENTRIES_PER_FRAME = 1000;
    /** Pipelined small uploads stored together, at most: one metadata commit for them all. */
    static final int INLINE_BATCH = 64;
    /** The first minor version whose clients answer a {@link netdisk.protocol.PutResume}. */
    static final int RESUMABLE_UPLOADS_MINOR = 3;

    private final WorkerIdentity identity;
    private final Services services;
    private final InetSocketAddress remote;
    /** This connection's audit lines, written before it waits for its client ({@link SessionIo#flush}). */
    private final AuditLog.Lines auditLines;
    private User user;
    private String token;
    /** Logged in with a transfer ticket: transfers only, until {@link #ticketExpiresMillis}. */
    private boolean transferOnly;
    private long ticketExpiresMillis;
    /** The minor protocol version of the client's Hello (same major), which decides what it may be sent. */
    private int clientMinor;

    /** @param auditLines where this connection's audit lines go (null only when nothing is served: no services) */
    RequestHandler(WorkerIdentity identity, Services services, InetSocketAddress remote, AuditLog.Lines auditLines) {
        this.identity = identity;
        this.services = services;
        this.remote = remote;
        this.auditLines = auditLines;
    }

    /** The client said Hello with this minor version; set before the first request. */
    void greeted(int minor) {
        clientMinor = minor;
    }

    /**
     * @param arrivedNanos when {@code request} had arrived whole ({@link System#nanoTime()} after the read that
     *     completed it, or a later one): the metadata checks made since do for it
     * @throws TransferAbortedException when a transfer broke off in its raw content (the session must end)
     * @throws IOException when the connection fails
     */
    void handle(Frame request, long arrivedNanos, SessionIo io, String who) throws IOException {
        CachedMetadataStore.oneCheckPerRequest(arrivedNanos, () -> {
            dispatch(request, io, who);
            return null;
        });
    }

    private void dispatch(Frame request, SessionIo io, String who) throws IOException {
        int id = request.requestId();
        Message message = request.message();
        switch (message) {
            case Ping ping -> io.reply(id, new Pong(ping.token()));
            case Hello hello -> io.reply(id, ErrorReply.of(ErrorCode.PROTOCOL_ERROR,
                    "already greeted by " + identity.label()));
            case Login login -> login(id, login, io);
            case Register register -> register(id, register, io);
            default -> {
                if (user == null) {
                    io.reply(id, ErrorReply.of(ErrorCode.AUTH_REQUIRED, "log in first"));
                    return;
                }
                try {
                    user = services.accounts().current(user).orElse(null);
                } catch (AuthException e) {
                    io.reply(id, ErrorReply.of(e.code(), e.getMessage()));
                    return;
                }
                if (user == null) {
                    token = null;
                    io.reply(id, ErrorReply.of(ErrorCode.AUTH_REQUIRED,
                            "the login ended: the account was deleted or its password changed; log in again"));
                    return;
                }
                if (transferOnly && !allowedOnTransferConnection(id, message, io)) {
                    return;
                }
                serve(id, message, io, who);
            }
        }
    }

    /** Whether a transfer connection may serve {@code message} now; if not, answers why. */
    private boolean allowedOnTransferConnection(int id, Message message, SessionIo io) throws IOException {
        if (System.currentTimeMillis() >= ticketExpiresMillis) {
            io.reply(id, ErrorReply.of(ErrorCode.AUTH_REQUIRED, "the transfer ticket expired: log this connection"
                    + " in with a new one (renew tickets with TicketRequest before they expire)"));
            return false;
        }
        boolean transfer = switch (message) {
            case GetFile _, GetFrom _, PutFile _, PutStream _, PutInline _, TicketRequest _ -> true;
            default -> false;
        };
        if (!transfer) {
            io.reply(id, ErrorReply.of(ErrorCode.UNSUPPORTED, message.type() + " on a transfer connection: it"
                    + " carries only transfers (GetFile, GetFrom, PutFile, PutStream, PutInline) and ticket renewals"));
        }
        return transfer;
    }

    private void serve(int id, Message message, SessionIo io, String who) throws IOException {
        String operation = operation(message);
        List<String> paths = List.of();
        try {
            switch (message) {
                case ListRequest list -> {
                    paths = List.of(list.path());
                    DiskPath path = DiskPath.parse(list.path());
                    paths = List.of(path.toString());
                    sendListing(id, services.disk().list(user, path), io);
                    audit(operation, paths, AuditEvent.OK, Map.of());
                }
                case StatRequest stat -> {
                    paths = List.of(stat.path());
                    DiskPath path = DiskPath.parse(stat.path());
                    paths = List.of(path.toString());
                    io.reply(id, services.disk().stat(user, path));
                    audit(operation, paths, AuditEvent.OK, Map.of());
                }
                case MkdirRequest mkdir -> {
                    paths = List.of(mkdir.path());
                    DiskPath path = DiskPath.parse(mkdir.path());
                    paths = List.of(path.toString());
                    io.reply(id, services.disk().mkdir(user, path, mkdir.parents()));
                    audit(operation, paths, AuditEvent.OK, Map.of());
                }
                case RemoveRequest remove -> {
                    paths = List.of(remove.path());
                    DiskPath path = DiskPath.parse(remove.path());
                    paths = List.of(path.toString());
                    long removed = services.disk().remove(user, path, remove.recursive());
                    io.reply(id, new Done(removed));
                    audit(operation, paths, AuditEvent.OK, Map.of("entries", String.valueOf(removed)));
                }
                case MoveRequest move -> {
                    paths = List.of(move.source(), move.target());
                    EntryReply moved = services.disk().move(user, DiskPath.parse(move.source()),
                            DiskPath.parse(move.target()));
                    io.reply(id, moved);
                    audit(operation, paths, AuditEvent.OK, Map.of());
                }
                case CopyRequest copy -> {
                    paths = List.of(copy.source(), copy.target());
                    EntryReply copied = services.disk().copy(user, DiskPath.parse(copy.source()),
                            DiskPath.parse(copy.target()));
                    io.reply(id, copied);
                    audit(operation, paths, AuditEvent.OK, Map.of());
                }
                case UsageRequest usage -> {
                    io.reply(id, services.disk().usage(user));
                    audit(operation, List.of(), AuditEvent.OK, Map.of());
                }
                case GetRequest get -> transfer(id, operation, get.path(), io, path -> Map.of("bytes", String.valueOf(
                        services.transfers().download(id, user, path, get.offset(), false, io, who))));
                case GetFile get -> transfer(id, operation, get.path(), io, path -> Map.of("bytes", String.valueOf(
                        services.transfers().download(id, user, path, get.offset(), true, io, who))));
                case GetFrom get -> transfer(id, operation, get.path(), io, path -> {
                    FileTransfers.Resumed sent = services.transfers().downloadFrom(id, user, path, get, io, who);
                    return Map.of("bytes", String.valueOf(sent.bytes()), "offset", String.valueOf(sent.offset()));
                });
                case PutRequest put -> transfer(id, operation, put.path(), io, path -> {
                    services.transfers().upload(id, user, path, put.size(), Optional.empty(), io, who);
                    return Map.of("bytes", String.valueOf(put.size()));
                });
                case PutInline put -> putInline(new Frame(id, put), io, who);
                case TicketRequest _ -> {
                    TransferTickets.Issued issued = services.accounts().ticket(user);
                    if (transferOnly) {
                        ticketExpiresMillis = issued.expiresAt().toEpochMilli();
                    }
                    io.reply(id, new Ticket(issued.ticket(), issued.expiresAt().toEpochMilli()));
                }
                case PutFile put -> transfer(id, operation, put.path(), io, path -> stored(put.size(),
                        services.transfers().putFile(id, user, path, put, clientMinor >= RESUMABLE_UPLOADS_MINOR, io,
                                who)));
                case PutStream put -> transfer(id, operation, put.path(), io, path -> services.transfers()
                        .putStream(id, user, path, put, io, who)
                        .map(stored -> stored(put.size(), stored))
                        .orElse(null)); // answered HashFirst: its PutFile comes next, and is audited
                case Logout logout -> {
                    boolean revoked = token != null && services.accounts().logout(token);
                    audit(operation, List.of(), AuditEvent.OK, Map.of());
                    user = null;
                    token = null;
                    io.reply(id, new Done(revoked ? 1 : 0));
                }
                default -> io.reply(id, ErrorReply.of(ErrorCode.UNSUPPORTED,
                        message.getClass().getSimpleName() + " is not a request a client can send"));
            }
        } catch (DiskException e) {
            refused(id, operation, paths, e, io);
        }
    }

    /**
     * A {@link PutInline} and those pipelined right behind it that have arrived: stored together, answered in order,
     * one audit line each.
     */
    private void putInline(Frame first, SessionIo io, String who) throws IOException {
        List<Frame> batch = new ArrayList<>(List.of(first));
        batch.addAll(io.pipelined(MessageType.PUT_INLINE, INLINE_BATCH - 1));
        for (FileTransfers.InlineOutcome outcome : services.transfers().putInline(batch, user, io, who)) {
            audit("put", List.of(outcome.path()), outcome.refusal().map(e -> e.code().name()).orElse(AuditEvent.OK),
                    outcome.refusal().isPresent() ? Map.of() : Map.of("bytes", String.valueOf(outcome.bytes()),
                            "instant", String.valueOf(outcome.stored().orElseThrow().instant())));
        }
    }

    /** The audit details of a stored upload of {@code size} bytes: whether it was instant, or resumed from where. */
    private static Map<String, String> stored(long size, FileTransfers.Stored stored) {
        return stored.resumedFrom() > 0
                ? Map.of("bytes", String.valueOf(size), "instant", "false",
                        "resumed", String.valueOf(stored.resumedFrom()))
                : Map.of("bytes", String.valueOf(size), "instant", String.valueOf(stored.instant()));
    }

    /**
     * A download or upload: what it moved goes into its audit line (none when it returns null: a {@code PutStream}
     * answered {@code HashFirst}, which moved nothing), and so does a break in its content.
     */
    private interface Transfer {
        Map<String, String> run(DiskPath path) throws DiskException, IOException;
    }

    private void transfer(int id, String operation, String wirePath, SessionIo io, Transfer transfer)
            throws IOException {
        List<String> paths = List.of(wirePath);
        try {
            DiskPath path = DiskPath.parse(wirePath);
            paths = List.of(path.toString());
            Map<String, String> details = transfer.run(path);
            if (details != null) {
                audit(operation, paths, AuditEvent.OK, details);
            }
        } catch (TransferAbortedException e) {
            audit(operation, paths, "aborted", Map.of());
            throw e;
        } catch (DiskException e) {
            refused(id, operation, paths, e, io);
        }
    }

    private void refused(int id, String operation, List<String> paths, DiskException e, SessionIo io)
            throws IOException {
        if (!e.isAnswered()) {
            io.reply(id, ErrorReply.of(e.code(), e.getMessage()));
        }
        audit(operation, paths, e.code().name(), Map.of());
    }

    private void login(int id, Login login, SessionIo io) throws IOException {
        String method = switch (login.method()) {
            case Login.PASSWORD -> "password";
            case Login.TOKEN -> "token";
            case Login.TICKET -> "ticket";
            default -> null;
        };
        if (method == null) {
            io.reply(id, ErrorReply.of(ErrorCode.UNSUPPORTED, "unknown login method " + login.method()));
            return;
        }
        try {
            Accounts.Login done = switch (login.method()) {
                case Login.TOKEN -> services.accounts().resume(login.user(), login.secret(), remote.getAddress());
                case Login.TICKET -> services.accounts().ticketLogin(login.user(), login.secret());
                default -> services.accounts().login(login.user(), login.secret().toCharArray(), remote.getAddress());
            };
            loggedIn(id, done, io);
            if (login.method() == Login.TICKET) {
                transferOnly = true;
                ticketExpiresMillis = done.expiresMillis();
                token = null; // nothing for Logout to revoke
            }
            audit("login", List.of(), AuditEvent.OK, Map.of("method", method));
        } catch (AuthException e) {
            io.reply(id, ErrorReply.of(e.code(), e.getMessage()));
            auditAs(login.user(), "login", List.of(), e.code().name(), Map.of("method", method));
        }
    }

    private void register(int id, Register register, SessionIo io) throws IOException {
        try {
            loggedIn(id, services.accounts().register(register.user(), register.password().toCharArray(),
                    remote.getAddress()), io);
            audit("register", List.of(), AuditEvent.OK, Map.of());
        } catch (AuthException e) {
            io.reply(id, ErrorReply.of(e.code(), e.getMessage()));
            auditAs(register.user(), "register", List.of(), e.code().name(), Map.of());
        }
    }

    private void loggedIn(int id, Accounts.Login login, SessionIo io) throws IOException {
        user = login.user();
        token = login.token();
        transferOnly = false;
        ticketExpiresMillis = 0;
        io.reply(id, new LoginOk(user.name(), login.token(), login.expiresMillis()));
    }

    private static void sendListing(int id, List<Entry> entries, SessionIo io) throws IOException {
        int from = 0;
        do {
            int to = Math.min(entries.size(), from + ENTRIES_PER_FRAME);
            io.reply(id, new Listing(to == entries.size(), new ArrayList<>(entries.subList(from, to))));
            from = to;
        } while (from < entries.size());
    }

    private static String operation(Message message) {
        return switch (message) {
            case ListRequest _ -> "ls";
            case StatRequest _ -> "stat";
            case MkdirRequest _ -> "mkdir";
            case RemoveRequest _ -> "rm";
            case MoveRequest _ -> "mv";
            case CopyRequest _ -> "cp";
            case UsageRequest _ -> "df";
            case GetRequest _, GetFile _, GetFrom _ -> "get";
            case PutRequest _, PutFile _, PutStream _, PutInline _ -> "put";
            case TicketRequest _ -> "ticket";
            case Logout _ -> "logout";
            default -> message.type().name().toLowerCase(Locale.ROOT);
        };
    }

    private void audit(String operation, List<String> paths, String result, Map<String, String> details) {
        auditAs(user == null ? AuditEvent.NO_USER : user.name(), operation, paths, result, details);
    }

    private void auditAs(String who, String operation, List<String> paths, String result,
            Map<String, String> details) {
        auditLines.add(new AuditEvent(Instant.now(), who, remote, operation, paths, result, details));
    }
}
