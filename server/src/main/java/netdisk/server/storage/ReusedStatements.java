package netdisk.server.storage;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Keeps prepared statements for reuse, per physical connection: a statement that the store closes goes back to an
 * idle list instead, its parameters cleared, and the next {@code prepareStatement} of the same SQL on the same
 * connection takes it. The SQLite driver prepares every statement afresh otherwise (parsing and planning the SQL),
 * which was half of the metadata's CPU: a batch of small uploads runs some ten statements per file.
 *
 * <p>{@link #wrap} gives a pooled connection whose {@code prepareStatement(String)} works so; everything else goes to
 * the pooled connection as before, transactions included. A pool lends a connection to one thread at a time, and so
 * are its idle statements used. Statements are prepared on the physical connection underneath (so that the pool
 * does not close them when the connection goes back) and die with it; the lists of a closed connection are dropped
 * when another connection is first seen.
 *
 * <p>A statement is reused only once closed, so a statement prepared while another of the same SQL is in use (a
 * nested query) is a second one. At most {@value #SQL_PER_CONNECTION} texts, {@value #IDLE_PER_SQL} statements each,
 * are kept per connection; statements past that are closed.
 */
final class ReusedStatements {

    static final int SQL_PER_CONNECTION = 128;
    static final int IDLE_PER_SQL = 2;

    private static final Class<?>[] CONNECTION = {Connection.class};
    private static final Class<?>[] STATEMENT = {PreparedStatement.class};

    /** Guarded by {@code this}; each value used by the one thread that holds its connection. */
    private final Map<Connection, Map<String, ArrayDeque<PreparedStatement>>> idle = new IdentityHashMap<>();

    /** {@code pooled}, with statements kept for reuse; valid while {@code pooled} is. */
    Connection wrap(Connection pooled) throws SQLException {
        Connection physical = pooled.unwrap(Connection.class);
        Map<String, ArrayDeque<PreparedStatement>> statements = idleOf(physical);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), CONNECTION,
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && args != null && args.length == 1) {
                        return take(physical, statements, (String) args[0]);
                    }
                    return forward(pooled, method, args);
                });
    }

    private synchronized Map<String, ArrayDeque<PreparedStatement>> idleOf(Connection physical) throws SQLException {
        Map<String, ArrayDeque<PreparedStatement>> statements = idle.get(physical);
        if (statements == null) {
            idle.keySet().removeIf(ReusedStatements::isClosed);
            statements = new HashMap<>();
            idle.put(physical, statements);
        }
        return statements;
    }

    private static PreparedStatement take(Connection physical, Map<String, ArrayDeque<PreparedStatement>> statements,
            String sql) throws SQLException {
        ArrayDeque<PreparedStatement> kept = statements.get(sql);
        PreparedStatement statement = kept == null ? null : kept.poll();
        if (statement == null || statement.isClosed()) {
            statement = physical.prepareStatement(sql);
        }
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(), STATEMENT,
                new Lent(statement, sql, statements));
    }

    /** A statement lent out: {@code close} gives it back instead of closing it. */
    private static final class Lent implements InvocationHandler {
        private final PreparedStatement statement;
        private final String sql;
        private final Map<String, ArrayDeque<PreparedStatement>> statements;
        private boolean returned;

        Lent(PreparedStatement statement, String sql, Map<String, ArrayDeque<PreparedStatement>> statements) {
            this.statement = statement;
            this.sql = sql;
            this.statements = statements;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    giveBack();
                    return null;
                }
                case "isClosed" -> {
                    return returned || statement.isClosed();
                }
                default -> {
                    if (returned) {
                        throw new SQLException("statement used after close: " + sql);
                    }
                    return forward(statement, method, args);
                }
            }
        }

        private void giveBack() throws SQLException {
            if (returned) {
                return;
            }
            returned = true;
            if (statement.isClosed()) {
                return;
            }
            ArrayDeque<PreparedStatement> kept = statements.get(sql);
            if (kept == null && statements.size() < SQL_PER_CONNECTION) {
                kept = new ArrayDeque<>(IDLE_PER_SQL);
                statements.put(sql, kept);
            }
            if (kept == null || kept.size() >= IDLE_PER_SQL) {
                statement.close();
                return;
            }
            try {
                statement.clearParameters();
            } catch (SQLException e) {
                statement.close();
                throw e;
            }
            kept.add(statement);
        }
    }

    private static Object forward(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static boolean isClosed(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
