package netdisk.server.master;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerTableTest {

    private static WorkerTable readyTable(int workers, int capacity) {
        var table = new WorkerTable(workers, capacity);
        table.slots().forEach(s -> s.state = WorkerTable.State.READY);
        return table;
    }

    @Test
    void reservesTheLeastLoadedReadyWorker() {
        var table = readyTable(3, 10);
        table.slots().get(0).sessions = 2;
        table.slots().get(1).sessions = 1;
        table.slots().get(2).sessions = 1;
        assertThat(table.reserve().number).isEqualTo(1);
        assertThat(table.reserve().number).isEqualTo(2);
        assertThat(table.slots()).extracting(s -> s.sessions).containsExactly(2, 2, 2);
    }

    @Test
    void skipsWorkersThatAreNotReadyAndReturnsNullWhenAllAreFull() {
        var table = readyTable(2, 2);
        table.slots().get(0).state = WorkerTable.State.RESTARTING;
        assertThat(table.reserve().number).isEqualTo(1);
        assertThat(table.reserve().number).isEqualTo(1);
        assertThat(table.reserve()).isNull();
        table.release(table.slots().get(1));
        assertThat(table.reserve().number).isEqualTo(1);
    }

    @Test
    void rowsDescribeEachWorkerForStatus() {
        var table = readyTable(4, 2);
        table.slots().get(1).sessions = 1;
        table.slots().get(2).sessions = 2;
        table.slots().get(3).state = WorkerTable.State.BROKEN;
        assertThat(table.rows()).extracting(ServerStatus.WorkerRow::state)
                .containsExactly("idle", "busy", "full", "restarting");
        assertThat(table.allReady()).isFalse();
        assertThat(table.totalSessions()).isEqualTo(3);
    }
}
