package netdisk.client.cli;

import java.time.ZoneOffset;
import java.util.List;

import netdisk.protocol.Entry;
import netdisk.protocol.EntryReply;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EntryFormatTest {

    private static final long MODIFIED = 1_764_370_921_005L; // 2025-11-28T23:02:01.005Z
    private static final String SHA = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    private final Entry file = new Entry("报告 \"最终\".txt", Entry.FILE, 5, MODIFIED, SHA);
    private final Entry directory = new Entry("docs", Entry.DIRECTORY, 0, 0, "");

    @Test
    void lsJsonIsAnArrayOfEntriesWithIsoUtcTimesAndNullHashesForDirectories() {
        assertThat(EntryFormat.json(List.of(directory, file))).isEqualTo("["
                + "{\"name\":\"docs\",\"type\":\"dir\",\"size\":0,\"modified\":\"1970-01-01T00:00:00.000Z\","
                + "\"sha256\":null},"
                + "{\"name\":\"报告 \\\"最终\\\".txt\",\"type\":\"file\",\"size\":5,"
                + "\"modified\":\"2025-11-28T23:02:01.005Z\",\"sha256\":\"" + SHA + "\"}]");
        assertThat(EntryFormat.json(List.of())).isEqualTo("[]");
    }

    @Test
    void statJsonIsOneObjectWithThePathFirst() {
        assertThat(EntryFormat.json(new EntryReply("/a/报告 \"最终\".txt", file))).isEqualTo(
                "{\"path\":\"/a/报告 \\\"最终\\\".txt\",\"name\":\"报告 \\\"最终\\\".txt\",\"type\":\"file\","
                        + "\"size\":5,\"modified\":\"2025-11-28T23:02:01.005Z\",\"sha256\":\"" + SHA + "\"}");
    }

    @Test
    void controlCharactersAndBackslashesAreEscapedInJson() {
        var builder = new StringBuilder();
        EntryFormat.string(builder, "a\\b\nc\td\u0001e\u007f");
        assertThat(builder).hasToString("\"a\\\\b\\nc\\td\\u0001e\\u007f\"");
    }

    @Test
    void plainNamesMarkDirectoriesWithASlash() {
        assertThat(EntryFormat.name(directory)).isEqualTo("docs/");
        assertThat(EntryFormat.name(file)).isEqualTo("报告 \"最终\".txt");
    }

    @Test
    void theLongFormShowsTypeSizeDateAndNameInColumns() {
        var big = new Entry("big.iso", Entry.FILE, 1_234_567, MODIFIED, SHA);
        assertThat(EntryFormat.longLines(List.of(directory, big, file), ZoneOffset.UTC)).containsExactly(
                "d        -  1970-01-01 00:00  docs/",
                "-  1234567  2025-11-28 23:02  big.iso",
                "-        5  2025-11-28 23:02  报告 \"最终\".txt");
    }

    @Test
    void statShowsEveryField() {
        assertThat(EntryFormat.statLines(new EntryReply("/r.txt", file), ZoneOffset.UTC)).containsExactly(
                "path:     /r.txt",
                "type:     file",
                "size:     5 bytes (5 B)",
                "modified: 2025-11-28 23:02 (2025-11-28T23:02:01.005Z)",
                "sha256:   " + SHA);
        assertThat(EntryFormat.statLines(new EntryReply("/docs", directory), ZoneOffset.UTC)).containsExactly(
                "path:     /docs",
                "type:     dir",
                "modified: 1970-01-01 00:00 (1970-01-01T00:00:00.000Z)");
    }
}
