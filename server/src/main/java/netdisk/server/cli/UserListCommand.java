package netdisk.server.cli;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import netdisk.server.ByteSizes;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.User;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netdisk-server user list}: every account with its usage. The name is the last column of the table, so that
 * names of any width (Chinese characters take two columns) do not push the others out of line.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists the users by name: what they store, their quota, when they were added.")
final class UserListCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOption data;

    @Option(names = "--json", description = "Print the list as JSON, for scripts.")
    boolean json;

    /** One line of the listing. */
    record Row(User user, long used) {
    }

    @Override
    public Integer call() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (JdbcMetadataStore store = UserCommand.openExisting(data.resolve())) {
            for (User user : store.listUsers()) {
                rows.add(new Row(user, store.usage(user)));
            }
        }
        var out = spec.commandLine().getOut();
        out.print(json ? json(rows) : table(rows));
        out.flush();
        return ServerMain.OK;
    }

    static String table(List<Row> rows) {
        var out = new StringBuilder(String.format("%-10s %-10s %-20s  %s%n", "USED", "QUOTA", "CREATED", "NAME"));
        for (Row row : rows) {
            out.append(String.format("%-10s %-10s %-20s  %s%n", ByteSizes.format(row.used()),
                    QuotaConverter.format(row.user().quotaBytes()), created(row.user()), row.user().name()));
        }
        return out.toString();
    }

    /** {@code [{"name":…,"quota_bytes":… or null,"used_bytes":…,"created":"2026-01-05T10:00:00Z"}, …]}. */
    static String json(List<Row> rows) {
        return rows.stream()
                .map(row -> String.format("{\"name\":%s,\"quota_bytes\":%s,\"used_bytes\":%d,\"created\":\"%s\"}",
                        quoted(row.user().name()), row.user().quotaBytes().isPresent()
                                ? Long.toString(row.user().quotaBytes().getAsLong()) : "null",
                        row.used(), created(row.user())))
                .collect(Collectors.joining(",", "[", "]" + System.lineSeparator()));
    }

    private static String created(User user) {
        return user.createdAt().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A JSON string: names follow the user-name rule today, but any {@code Name} may be stored. */
    private static String quoted(String text) {
        var out = new StringBuilder("\"");
        text.chars().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c));
            }
        });
        return out.append('"').toString();
    }
}
