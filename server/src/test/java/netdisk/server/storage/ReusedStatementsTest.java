package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** Statements kept per connection: reused once closed, never while in use, never with old parameters. */
class ReusedStatementsTest {

    @TempDir
    Path dir;

    private final ReusedStatements statements = new ReusedStatements();

    private Connection open() throws SQLException {
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite:" + dir.resolve("test.db"));
        return sqlite.getConnection();
    }

    @Test
    void aClosedStatementIsReusedWithItsParametersCleared() throws Exception {
        try (Connection physical = open()) {
            Connection connection = statements.wrap(physical);
            PreparedStatement first = connection.prepareStatement("SELECT ?");
            PreparedStatement real = first.unwrap(PreparedStatement.class);
            first.setLong(1, 42);
            assertThat(value(first)).isEqualTo("42");
            first.close();
            assertThat(first.isClosed()).isTrue();
            assertThatThrownBy(() -> first.setLong(1, 1)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("after close");

            PreparedStatement again = statements.wrap(physical).prepareStatement("SELECT ?");
            assertThat(again.unwrap(PreparedStatement.class)).isSameAs(real);
            assertThat(value(again)).as("no parameter left from before").isNull();
            again.close();
        }
    }

    @Test
    void aStatementInUseIsNeverLentTwiceAndAtMostTwoAreKept() throws Exception {
        try (Connection physical = open()) {
            Connection connection = statements.wrap(physical);
            PreparedStatement a = connection.prepareStatement("SELECT 1");
            PreparedStatement b = connection.prepareStatement("SELECT 1");
            PreparedStatement c = connection.prepareStatement("SELECT 1");
            PreparedStatement realA = a.unwrap(PreparedStatement.class);
            PreparedStatement realC = c.unwrap(PreparedStatement.class);
            assertThat(realA).isNotSameAs(b.unwrap(PreparedStatement.class)).isNotSameAs(realC);
            try (ResultSet outer = a.executeQuery(); ResultSet inner = b.executeQuery()) {
                assertThat(outer.next()).isTrue();
                assertThat(inner.next()).isTrue();
            }
            a.close();
            b.close();
            c.close();
            assertThat(realC.isClosed()).as("a third idle statement of one SQL is closed").isTrue();
            assertThat(realA.isClosed()).isFalse();
        }
    }

    @Test
    void statementsOfAClosedConnectionAreNotReusedOnAnother() throws Exception {
        PreparedStatement real;
        try (Connection first = open()) {
            PreparedStatement statement = statements.wrap(first).prepareStatement("SELECT 2");
            real = statement.unwrap(PreparedStatement.class);
            statement.close();
        }
        try (Connection second = open()) {
            PreparedStatement statement = statements.wrap(second).prepareStatement("SELECT 2");
            assertThat(statement.unwrap(PreparedStatement.class)).isNotSameAs(real);
            assertThat(value(statement)).isEqualTo("2");
            statement.close();
        }
    }

    private static String value(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
