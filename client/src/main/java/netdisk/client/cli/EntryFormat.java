package netdisk.client.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import netdisk.client.progress.Units;
import netdisk.protocol.Entry;
import netdisk.protocol.EntryReply;

/**
 * How entries are shown: names for {@code ls}, columns for {@code ls -l}, fields for {@code stat}, and the JSON of
 * {@code --json}, whose shape is a documented contract for scripts (docs/client.md): an entry is
 * {@code {"name", "type": "file"|"dir", "size", "modified", "sha256"}} with {@code modified} in ISO-8601 UTC with
 * milliseconds and {@code sha256} null for a directory; {@code stat} adds {@code "path"} first.
 */
final class EntryFormat {

    private static final DateTimeFormatter ISO_UTC = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT);

    private EntryFormat() {
    }

    /** The name as {@code ls} shows it: a directory with a trailing {@code /}. */
    static String name(Entry entry) {
        return entry.isDirectory() ? entry.name() + "/" : entry.name();
    }

    /** {@code ls -l}: type ({@code d} or {@code -}), size in bytes, local date and time, name. */
    static List<String> longLines(List<Entry> entries, ZoneId zone) {
        int width = 1;
        for (Entry entry : entries) {
            width = Math.max(width, Long.toString(entry.size()).length());
        }
        List<String> lines = new ArrayList<>();
        for (Entry entry : entries) {
            String size = entry.isDirectory() ? "-" : Long.toString(entry.size());
            lines.add(String.format(Locale.ROOT, "%s  %" + width + "s  %s  %s", entry.isDirectory() ? "d" : "-",
                    size, LOCAL.format(Instant.ofEpochMilli(entry.modified()).atZone(zone)), name(entry)));
        }
        return lines;
    }

    /** {@code stat}: one field per line. */
    static List<String> statLines(EntryReply reply, ZoneId zone) {
        Entry entry = reply.entry();
        List<String> lines = new ArrayList<>();
        lines.add("path:     " + reply.path());
        lines.add("type:     " + type(entry));
        if (!entry.isDirectory()) {
            lines.add("size:     " + entry.size() + " bytes (" + Units.bytes(entry.size()) + ")");
        }
        Instant modified = Instant.ofEpochMilli(entry.modified());
        lines.add("modified: " + LOCAL.format(modified.atZone(zone)) + " (" + ISO_UTC.format(modified) + ")");
        if (!entry.isDirectory()) {
            lines.add("sha256:   " + entry.sha256());
        }
        return lines;
    }

    /** {@code ls --json}: an array of entry objects. */
    static String json(List<Entry> entries) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('{');
            fields(json, entries.get(i));
            json.append('}');
        }
        return json.append(']').toString();
    }

    /** {@code stat --json}: one object, {@code path} first. */
    static String json(EntryReply reply) {
        StringBuilder json = new StringBuilder("{\"path\":");
        string(json, reply.path());
        json.append(',');
        fields(json, reply.entry());
        return json.append('}').toString();
    }

    private static void fields(StringBuilder json, Entry entry) {
        json.append("\"name\":");
        string(json, entry.name());
        json.append(",\"type\":\"").append(type(entry)).append('"');
        json.append(",\"size\":").append(entry.size());
        json.append(",\"modified\":\"").append(ISO_UTC.format(Instant.ofEpochMilli(entry.modified()))).append('"');
        json.append(",\"sha256\":");
        if (entry.isDirectory()) {
            json.append("null");
        } else {
            string(json, entry.sha256());
        }
    }

    private static String type(Entry entry) {
        return entry.isDirectory() ? "dir" : "file";
    }

    /** A JSON string (RFC 8259): quotes, backslashes and control characters escaped, everything else as is. */
    static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
