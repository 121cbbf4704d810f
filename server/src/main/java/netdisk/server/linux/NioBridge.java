package netdisk.server.linux;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * The project's one touch of JDK internals: between a {@link SocketChannel} and the raw descriptor under it.
 *
 * <p>The JDK has no public API to read the fd of an accepted channel, nor to make a channel of an fd received with
 * {@code SCM_RIGHTS}. Both go through {@code sun.nio.ch}: the {@code SelChImpl.getFDVal()} method and the
 * package-private {@code SocketChannelImpl(SelectorProvider, ProtocolFamily, FileDescriptor, SocketAddress)}
 * constructor, which the JDK itself uses for accepted sockets. The JVM needs
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}; {@code NioBridgeTest} fails loudly if a JDK update breaks
 * this, and the fallback then is plain FFM {@code read}/{@code write}/{@code sendfile} on the fd.
 */
public final class NioBridge {

    private static final MethodHandle FD_VALUE;
    private static final MethodHandle NEW_FILE_DESCRIPTOR;
    private static final Constructor<?> SOCKET_CHANNEL;

    static {
        try {
            Class<?> selChImpl = Class.forName("sun.nio.ch.SelChImpl");
            Class<?> socketChannelImpl = Class.forName("sun.nio.ch.SocketChannelImpl");
            Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(socketChannelImpl, MethodHandles.lookup());
            FD_VALUE = lookup.findVirtual(selChImpl, "getFDVal", MethodType.methodType(int.class));
            NEW_FILE_DESCRIPTOR = MethodHandles.privateLookupIn(ioUtil, MethodHandles.lookup())
                    .findStatic(ioUtil, "newFD", MethodType.methodType(FileDescriptor.class, int.class));
            SOCKET_CHANNEL = socketChannelImpl.getDeclaredConstructor(
                    SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class, SocketAddress.class);
            SOCKET_CHANNEL.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(new IllegalStateException(
                    "this JDK does not offer the sun.nio.ch internals netdisk needs for fd passing; "
                            + "run with --add-opens java.base/sun.nio.ch=ALL-UNNAMED on JDK 25", e));
        }
    }

    private NioBridge() {
    }

    /** The descriptor number under {@code channel}; stays owned by the channel. */
    public static int fdOf(SocketChannel channel) {
        try {
            return (int) FD_VALUE.invoke(channel);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot read the fd of " + channel, t);
        }
    }

    /**
     * A blocking, connected {@link SocketChannel} that owns {@code fd} from now on (closing the channel closes it).
     *
     * @param family the socket's address family ({@code INET} or {@code INET6})
     * @param remote the peer address, as the channel will report it
     */
    public static SocketChannel channelOf(int fd, ProtocolFamily family, InetSocketAddress remote) throws IOException {
        try {
            FileDescriptor descriptor = (FileDescriptor) NEW_FILE_DESCRIPTOR.invoke(fd);
            return (SocketChannel) SOCKET_CHANNEL.newInstance(SelectorProvider.provider(), family, descriptor, remote);
        } catch (Throwable t) {
            throw new IOException("cannot make a SocketChannel of fd " + fd, t);
        }
    }
}
