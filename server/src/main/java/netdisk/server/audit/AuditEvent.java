package netdisk.server.audit;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One operation for the {@link AuditLog}: who did what to which path, from where, and how it ended.
 *
 * <p>There is no field for a password or a token, so none can be logged by mistake; callers keep secrets out of
 * {@code details} too. Client-supplied text (user names, paths, detail values) may be anything: {@link AuditLog}
 * quotes and escapes it. The words the server chooses ({@code operation}, {@code result}, detail keys) must be plain
 * tokens, which this record checks.
 *
 * @param time when the operation ended
 * @param user the user name as given, or {@link #NO_USER} before a login
 * @param remote the client's address and port
 * @param operation what was done: {@code login}, {@code ls}, {@code put}, {@code get}, {@code mkdir}, {@code rm},
 *     {@code mv}, {@code cp}, {@code register}, {@code logout}, …
 * @param paths none, the path operated on, or (for {@code mv} and {@code cp}) the source and the destination
 * @param result {@link #OK}, or the name of the error code the client got ({@code NOT_FOUND}, …)
 * @param details further facts, such as {@code bytes}; written sorted by key after the result
 */
public record AuditEvent(Instant time, String user, InetSocketAddress remote, String operation, List<String> paths,
                         String result, Map<String, String> details) {

    /** The user of an operation before anyone logged in. */
    public static final String NO_USER = "-";
    /** The result of an operation that succeeded. */
    public static final String OK = "ok";

    private static final Set<String> FIELDS = Set.of("user", "addr", "op", "path", "to", "result");

    public AuditEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(operation, "operation");
        paths = List.copyOf(paths);
        Objects.requireNonNull(result, "result");
        SortedMap<String, String> sorted = new TreeMap<>(details);
        details = Collections.unmodifiableSortedMap(sorted);
        requireWord(operation, "operation");
        requireWord(result, "result");
        if (paths.size() > 2) {
            throw new IllegalArgumentException("at most two paths (source and destination), got " + paths.size());
        }
        for (Map.Entry<String, String> detail : details.entrySet()) {
            requireWord(detail.getKey(), "detail key");
            Objects.requireNonNull(detail.getValue(), "detail value");
            if (FIELDS.contains(detail.getKey())) {
                throw new IllegalArgumentException("detail key " + detail.getKey() + " is a field of its own");
            }
        }
    }

    /** An event without details. */
    public AuditEvent(Instant time, String user, InetSocketAddress remote, String operation, List<String> paths,
                      String result) {
        this(time, user, remote, operation, paths, result, Map.of());
    }

    private static void requireWord(String value, String what) {
        if (!isWord(value)) {
            throw new IllegalArgumentException(what + " must be a word of letters, digits, '_' and '-': " + value);
        }
    }

    /** {@code [A-Za-z][A-Za-z0-9_-]*}, without a regular expression: it is checked for every request. */
    static boolean isWord(String value) {
        if (value.isEmpty() || !isAsciiLetter(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
