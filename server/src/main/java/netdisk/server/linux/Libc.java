package netdisk.server.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the JDK does not offer, bound with {@code java.lang.foreign}: {@code socketpair},
 * {@code sendmsg}/{@code recvmsg} with {@code SCM_RIGHTS}, {@code dup}, {@code dup2}, {@code fcntl}, {@code close}.
 *
 * <p>Linux x86-64 and aarch64 (LP64) only: the {@code msghdr}/{@code cmsghdr} layouts below are the LP64 ones.
 * Every call captures {@code errno} and failures become {@link IOException}s naming the call and the errno.
 * Needs {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class Libc {

    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CTRUNC = 0x8;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;
    static final int F_DUPFD_CLOEXEC = 1030;
    static final int SO_SNDTIMEO = 21;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int EINTR = 4;

    /*
     * struct msghdr (LP64): msg_name@0 msg_namelen@8 msg_iov@16 msg_iovlen@24 msg_control@32 msg_controllen@40
     * msg_flags@48, size 56. struct iovec: base@0 len@8, size 16.
     * struct cmsghdr: cmsg_len@0 (size_t) cmsg_level@8 cmsg_type@12 data@16; CMSG_LEN(4) = 20, CMSG_SPACE(4) = 24.
     */
    private static final long MSGHDR_SIZE = 56;
    private static final long IOVEC_SIZE = 16;
    private static final long CMSG_LEN_ONE_FD = 20;
    private static final long CMSG_SPACE_ONE_FD = 24;
    private static final long CONTROL_BUFFER = 64;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKETPAIR = bind("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SENDMSG = bind("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = bind("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle DUP = bind("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle DUP2 = bind("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SYNCFS = bind("syncfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("fcntl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));

    private Libc() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static IOException failure(String call, MemorySegment state) {
        return new IOException(call + " failed: errno " + errno(state));
    }

    private static IOException unexpected(String call, Throwable t) {
        return new IOException(call + " could not be called", t);
    }

    /** Creates a connected pair of {@code AF_UNIX} stream sockets, both close-on-exec. */
    public static int[] socketpair() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            int rc;
            try {
                rc = (int) SOCKETPAIR.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
            } catch (Throwable t) {
                throw unexpected("socketpair", t);
            }
            if (rc < 0) {
                throw failure("socketpair", state);
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /**
     * {@code SO_SNDTIMEO}: a send on {@code socket} that cannot proceed for {@code millis} fails (EAGAIN) instead of
     * blocking for ever, so a hung peer cannot hang the sender.
     */
    public static void setSendTimeout(int socket, long millis) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment timeval = arena.allocate(16, 8); // struct timeval { long tv_sec; long tv_usec; }
            timeval.set(JAVA_LONG, 0, millis / 1000);
            timeval.set(JAVA_LONG, 8, (millis % 1000) * 1000);
            int rc;
            try {
                rc = (int) SETSOCKOPT.invokeExact(state, socket, SOL_SOCKET, SO_SNDTIMEO, timeval, 16);
            } catch (Throwable t) {
                throw unexpected("setsockopt", t);
            }
            if (rc < 0) {
                throw failure("setsockopt(SO_SNDTIMEO)", state);
            }
        }
    }

    /** Closes {@code fd}, ignoring errors: used on paths where nothing better can be done. */
    public static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            // nothing left to do: the descriptor is lost either way
        }
    }

    /**
     * {@code syncfs}: writes everything the file system holding {@code path} has in its caches (file data, metadata,
     * directory entries) to disk, and waits until it is there. One call makes many files and renames durable at once,
     * for the price of one journal commit instead of one per {@code fsync}.
     */
    public static void syncFileSystem(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd;
            try {
                fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), O_RDONLY | O_CLOEXEC);
            } catch (Throwable t) {
                throw unexpected("open", t);
            }
            if (fd < 0) {
                throw failure("open(" + path + ")", state);
            }
            try {
                int rc;
                try {
                    rc = (int) SYNCFS.invokeExact(state, fd);
                } catch (Throwable t) {
                    throw unexpected("syncfs", t);
                }
                if (rc < 0) {
                    throw failure("syncfs(" + path + ")", state);
                }
            } finally {
                closeQuietly(fd);
            }
        }
    }

    /** {@code dup(fd)}: a second descriptor for the same open file (not close-on-exec). */
    public static int dup(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc;
            try {
                rc = (int) DUP.invokeExact(state, fd);
            } catch (Throwable t) {
                throw unexpected("dup", t);
            }
            if (rc < 0) {
                throw failure("dup", state);
            }
            return rc;
        }
    }

    /** {@code dup2(from, to)}; the new descriptor {@code to} is not close-on-exec. */
    public static void dup2(int from, int to) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc;
            try {
                rc = (int) DUP2.invokeExact(state, from, to);
            } catch (Throwable t) {
                throw unexpected("dup2", t);
            }
            if (rc < 0) {
                throw failure("dup2", state);
            }
        }
    }

    /** {@code fcntl(fd, F_DUPFD_CLOEXEC, min)}: a close-on-exec copy of {@code fd} numbered at least {@code min}. */
    public static int dupCloseOnExec(int fd, int min) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc;
            try {
                rc = (int) FCNTL.invokeExact(state, fd, F_DUPFD_CLOEXEC, min);
            } catch (Throwable t) {
                throw unexpected("fcntl", t);
            }
            if (rc < 0) {
                throw failure("fcntl(F_DUPFD_CLOEXEC)", state);
            }
            return rc;
        }
    }

    /**
     * Sends {@code data} on the stream socket {@code socket} in one {@code sendmsg}, with {@code fd} attached as
     * {@code SCM_RIGHTS} when {@code fd >= 0}. Retries on {@code EINTR}; never raises {@code SIGPIPE}.
     *
     * @throws IOException if the peer is gone or the call fails, or if the kernel took only part of the message
     */
    public static void sendMessage(int socket, byte[] data, int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment payload = arena.allocate(data.length);
            MemorySegment.copy(data, 0, payload, JAVA_BYTE, 0, data.length);
            MemorySegment iov = arena.allocate(IOVEC_SIZE, 8);
            iov.set(ADDRESS, 0, payload);
            iov.set(JAVA_LONG, 8, data.length);
            MemorySegment msg = arena.allocate(MSGHDR_SIZE, 8);
            msg.set(ADDRESS, 16, iov);
            msg.set(JAVA_LONG, 24, 1);
            if (fd >= 0) {
                MemorySegment control = arena.allocate(CMSG_SPACE_ONE_FD, 8);
                control.set(JAVA_LONG, 0, CMSG_LEN_ONE_FD);
                control.set(JAVA_INT, 8, SOL_SOCKET);
                control.set(JAVA_INT, 12, SCM_RIGHTS);
                control.set(JAVA_INT, 16, fd);
                msg.set(ADDRESS, 32, control);
                msg.set(JAVA_LONG, 40, CMSG_SPACE_ONE_FD);
            }
            while (true) {
                long sent;
                try {
                    sent = (long) SENDMSG.invokeExact(state, socket, msg, MSG_NOSIGNAL);
                } catch (Throwable t) {
                    throw unexpected("sendmsg", t);
                }
                if (sent == data.length) {
                    return;
                }
                if (sent < 0 && errno(state) == EINTR) {
                    continue;
                }
                if (sent < 0) {
                    throw failure("sendmsg", state);
                }
                throw new IOException("sendmsg sent " + sent + " of " + data.length + " bytes");
            }
        }
    }

    /** What one {@link #receiveMessage} returned: the byte count (0 at end of stream) and a passed fd or -1. */
    public record Received(int length, int fd) {
    }

    /**
     * One blocking {@code recvmsg} into {@code buffer[offset..]}, accepting at most one passed descriptor (made
     * close-on-exec). Retries on {@code EINTR}.
     *
     * @throws IOException if the call fails or the control data was truncated (more than one fd was passed)
     */
    public static Received receiveMessage(int socket, byte[] buffer, int offset, int length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment payload = arena.allocate(length);
            MemorySegment iov = arena.allocate(IOVEC_SIZE, 8);
            iov.set(ADDRESS, 0, payload);
            iov.set(JAVA_LONG, 8, length);
            MemorySegment control = arena.allocate(CONTROL_BUFFER, 8);
            MemorySegment msg = arena.allocate(MSGHDR_SIZE, 8);
            msg.set(ADDRESS, 16, iov);
            msg.set(JAVA_LONG, 24, 1);
            msg.set(ADDRESS, 32, control);
            msg.set(JAVA_LONG, 40, CONTROL_BUFFER);
            long received;
            while (true) {
                try {
                    received = (long) RECVMSG.invokeExact(state, socket, msg, MSG_CMSG_CLOEXEC);
                } catch (Throwable t) {
                    throw unexpected("recvmsg", t);
                }
                if (received >= 0 || errno(state) != EINTR) {
                    break;
                }
            }
            if (received < 0) {
                throw failure("recvmsg", state);
            }
            int fd = -1;
            long controlLength = msg.get(JAVA_LONG, 40);
            if (controlLength >= CMSG_LEN_ONE_FD
                    && control.get(JAVA_INT, 8) == SOL_SOCKET && control.get(JAVA_INT, 12) == SCM_RIGHTS) {
                fd = control.get(JAVA_INT, 16);
            }
            if ((msg.get(JAVA_INT, 48) & MSG_CTRUNC) != 0) {
                closeQuietly(fd);
                throw new IOException("recvmsg: control data truncated (unexpected descriptors)");
            }
            MemorySegment.copy(payload, JAVA_BYTE, 0, buffer, offset, (int) received);
            return new Received((int) received, fd);
        }
    }
}
