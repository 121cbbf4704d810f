package netdisk.protocol;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * SHA-256 computed by OpenSSL's libcrypto ({@code SHA256_Init}, {@code SHA256_Update},
 * {@code SHA256_Final}), bound with {@code java.lang.foreign}, behind the {@link MessageDigest} API.
 *
 * <p>Why: the JDK's SHA-256 is fast only once C2 has compiled it with its intrinsic, and the client runs C1 alone
 * (a command is too short to repay C2: see {@code bin/netdisk}). libcrypto's assembly is as fast as the intrinsic or
 * faster (SHA extensions, AVX2) from the first byte, whatever the JIT.
 *
 * <p>No native memory: the {@code SHA256_CTX} (112 bytes in the ABI of OpenSSL 1.1 and 3) is a Java {@code int[]}
 * and the calls are {@linkplain Linker.Option#critical(boolean) critical} with heap access, so a heap array is hashed
 * in place. A critical call holds off the garbage collector while it runs, so updates go in slices of
 * {@value #SLICE} bytes (a fraction of a millisecond each). {@link #clone()} copies the context.
 *
 * <p>{@link #load()} is empty where the library or native access is missing; {@link Sha256} then uses the JDK's.
 */
final class LibcryptoSha256 extends MessageDigest implements Cloneable {

    /** The bytes hashed per native call: ~0.1-0.3 ms of work, the longest the garbage collector is held off. */
    static final int SLICE = 64 * 1024;

    /** {@code sizeof(SHA256_CTX)} is 112 (28 ints); the rest is margin. */
    private static final int CONTEXT_INTS = 32;
    private static final int DIGEST_LENGTH = 32;

    /** OpenSSL 3, then 1.1 (same functions, same context layout); found by {@code dlopen}'s usual search. */
    static final List<String> LIBRARY_NAMES = List.of("libcrypto.so.3", "libcrypto.so.1.1");

    private static final Optional<Functions> FUNCTIONS = bind();

    private int[] context = new int[CONTEXT_INTS];
    private final Functions functions;

    private LibcryptoSha256(Functions functions) {
        super("SHA-256");
        this.functions = functions;
        engineReset();
    }

    /** A new digest, if libcrypto could be bound. */
    static Optional<MessageDigest> load() {
        return FUNCTIONS.map(LibcryptoSha256::new);
    }

    @Override
    protected int engineGetDigestLength() {
        return DIGEST_LENGTH;
    }

    @Override
    protected void engineUpdate(byte input) {
        engineUpdate(new byte[] {input}, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, input.length);
        update(MemorySegment.ofArray(input).asSlice(offset, length));
    }

    @Override
    protected void engineUpdate(ByteBuffer input) {
        update(MemorySegment.ofBuffer(input)); // its remaining bytes, direct or heap, without a copy
        input.position(input.limit());
    }

    private void update(MemorySegment bytes) {
        MemorySegment ctx = MemorySegment.ofArray(context);
        for (long done = 0, size = bytes.byteSize(); done < size; done += SLICE) {
            check(functions.update(ctx, bytes.asSlice(done, Math.min(SLICE, size - done))), "SHA256_Update");
        }
    }

    @Override
    protected byte[] engineDigest() {
        byte[] digest = new byte[DIGEST_LENGTH];
        check(functions.finish(MemorySegment.ofArray(digest), MemorySegment.ofArray(context)), "SHA256_Final");
        engineReset();
        return digest;
    }

    @Override
    protected void engineReset() {
        check(functions.init(MemorySegment.ofArray(context)), "SHA256_Init");
    }

    @Override
    public Object clone() throws CloneNotSupportedException {
        LibcryptoSha256 copy = (LibcryptoSha256) super.clone();
        copy.context = context.clone();
        return copy;
    }

    private static void check(int result, String function) {
        if (result != 1) {
            throw new IllegalStateException(function + " failed"); // OpenSSL documents 1, it never fails in 3.x
        }
    }

    private static Optional<Functions> bind() {
        if (!LibcryptoSha256.class.getModule().isNativeAccessEnabled()) {
            return Optional.empty(); // without --enable-native-access the JVM would warn on stderr
        }
        Optional<SymbolLookup> found = LIBRARY_NAMES.stream().flatMap(name -> lookUp(name).stream()).findFirst();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        SymbolLookup library = found.get();
        Linker linker = Linker.nativeLinker();
        Linker.Option heap = Linker.Option.critical(true);
        try {
            return Optional.of(new Functions(
                    linker.downcallHandle(library.findOrThrow("SHA256_Init"),
                            FunctionDescriptor.of(JAVA_INT, ADDRESS), heap),
                    linker.downcallHandle(library.findOrThrow("SHA256_Update"),
                            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), heap),
                    linker.downcallHandle(library.findOrThrow("SHA256_Final"),
                            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), heap)));
        } catch (NoSuchElementException missing) {
            return Optional.empty();
        }
    }

    private static Optional<SymbolLookup> lookUp(String name) {
        try {
            return Optional.of(SymbolLookup.libraryLookup(name, Arena.global()));
        } catch (IllegalArgumentException notFound) {
            return Optional.empty();
        }
    }

    /** The three bound functions; each returns 1 on success. */
    private record Functions(MethodHandle init, MethodHandle update, MethodHandle finish) {

        int init(MemorySegment context) {
            try {
                return (int) init.invokeExact(context);
            } catch (Throwable e) {
                throw rethrown(e);
            }
        }

        int update(MemorySegment context, MemorySegment bytes) {
            try {
                return (int) update.invokeExact(context, bytes, bytes.byteSize());
            } catch (Throwable e) {
                throw rethrown(e);
            }
        }

        int finish(MemorySegment digest, MemorySegment context) {
            try {
                return (int) finish.invokeExact(digest, context);
            } catch (Throwable e) {
                throw rethrown(e);
            }
        }

        private static RuntimeException rethrown(Throwable e) {
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e);
        }
    }
}
