/*
 * ndload: a lean load generator for netdisk's small-file downloads, what wrk is for nginx.
 *
 * bench/smallfiles.sh drives nginx with wrk (C, epoll, a few µs of client CPU per request) and netdisk with Java
 * drivers (netdisk.bench.SmallFileBench) that cost 25-100 µs of CPU per download. Driver and server share the
 * machine's cores, so what a driver burns is taken from the server it measures. ndload drives netdisk the way wrk
 * drives nginx: THREADS threads (2, as `wrk -t 2`), each with its own epoll loop over its share of CONC
 * non-blocking connections, for a fixed duration after an untimed warm-up.
 *
 * It encodes nothing itself: the request bytes come from `SmallFileBench --emit-requests DIR`, which encodes them
 * with the protocol module (docs/protocol.md) and fetches a transfer ticket right before the run:
 *   DIR/open.bin  Hello (request id h) + Login (id l): opens a logged-in connection (answered Welcome, LoginOk);
 *   DIR/get.bin   one GetFile(path, 0) (id g), sent again and again (answered FileInfo + the raw content).
 * ndload only reads the frames' lengths, types and ids out of them, to check the answers.
 *
 * Modes (-m):
 *   connect   per download: socket, TCP_NODELAY, non-blocking connect, open.bin + get.bin in one write, then
 *             Welcome, LoginOk, FileInfo + content; close; a new connection.
 *   session   every connection opened once before the warm-up (open.bin, Welcome, LoginOk), then: get.bin,
 *             FileInfo + content, get.bin, ...
 *   pipeline  as session, with up to WINDOW (-w) GetFile requests in flight per connection (answered in order).
 *
 * Every answer is checked completely: frame types and request ids in order (an ErrorReply is an error, its code and
 * message printed once), FileInfo's size == the size of FILE (-f), offset 0, its sha256 == SHA256HEX (-s), and the
 * content byte for byte against FILE (memcmp). Frames and content may arrive split anywhere. A failed download
 * counts as an error and its connection is opened again; an error before a connection's LoginOk (connect refused,
 * Hello or Login refused) ends the run at once (a refused login retried in a loop would lock the account). A run
 * with any error, or without a single download, exits 1.
 *
 * After -W seconds of warm-up (untimed) come -d seconds timed (or, with -n, until COUNT downloads are done, -d being
 * then a deadline, 300 s unless given: a run that misses it fails). Then no new request is started; the ones in
 * flight are finished and checked, uncounted, and the connections closed.
 * Output on stdout, one line for scripts (cpu_us: getrusage(RUSAGE_SELF) user + system over the timed part, every
 * thread; latency from connect (connect mode) or from queueing the GetFile to its checked content):
 *   NDLOAD mode=session threads=2 connections=16 window=1 requests=N seconds=S per_s=R cpu_us=U cpu_us_each=E
 *          errors=0 warmup_requests=W p50_us=P p99_us=Q max_us=M
 * and a line for people on stderr.
 *
 *   gcc -O2 -std=c11 -pthread -o ndload bench/c/ndload.c
 *   ndload -p PORT -r DIR -f FILE -s SHA256HEX [-m connect|session|pipeline] [-t 2] [-c 16] [-w 16]
 *          [-d 2] [-n COUNT] [-W 1] [-a 127.0.0.1]
 *
 * bench/smallfiles.sh compiles it into its temp dir and runs it as the `c` client (CLIENTS="c raw library"): rows
 * (a) connect and (b) session and pipeline, with `-t 2 -c CONC -d WRK_SECONDS -W C_WARMUP`, requests emitted right
 * before each run (tickets are short-lived).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the protocol: what the answers look like (docs/protocol.md) */

#define T_HELLO 1
#define T_WELCOME 2
#define T_ERROR_REPLY 3
#define T_LOGIN 11
#define T_LOGIN_OK 12
#define T_GET_FILE 30
#define T_FILE_INFO 31
#define MAX_FRAME_LENGTH (1u << 20) /* the length field: 5 (type + request id) + payload */

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

/* ---- settings and shared state */

enum mode { M_CONNECT, M_SESSION, M_PIPELINE };
static const char *const MODE_NAMES[] = {"connect", "session", "pipeline"};

static struct {
    enum mode mode;
    int threads, conns, window;
    double seconds, warmup; /* -d, -W */
    long count;             /* -n; 0: duration-based */
    struct sockaddr_in addr;
    unsigned char *open_req, *get_req, *file; /* open.bin, get.bin, the expected content */
    size_t open_len, get_len, file_len;
    uint32_t hello_id, login_id, get_id; /* the request ids the answers must carry */
    char sha[65];                        /* the expected sha256, lower-case hex */
    unsigned char *connect_req;          /* connect mode: open.bin + get.bin, one write */
    size_t connect_len;
    unsigned char *gets; /* WINDOW + 1 copies of get.bin: any run of queued GetFile requests is one slice of it */
} cfg;

enum phase { WARMUP, TIMED, STOP };
static _Atomic int phase = WARMUP;
static atomic_int ready;         /* threads whose connections are all open (session, pipeline) */
static atomic_bool aborted;      /* a fatal error: the run ends at once */
static atomic_long timed_done;   /* -n: downloads done in the timed part, every thread */
static uint64_t end_ns, end_cpu; /* -n: set by the thread that finished the COUNTth download */

/* Kinds of errors; the first of each kind is printed. */
enum err { E_CONNECT, E_IO, E_EOF, E_REPLY, E_FRAME, E_FILE_INFO, E_CONTENT, E_DRAIN, E_KINDS };
static const char *const ERR_NAMES[] = {"connect", "io", "eof", "error_reply", "frame", "file_info", "content",
                                        "drain"};
static atomic_bool err_printed[E_KINDS];

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_us(void) { /* this process, every thread: user + system */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u
           + (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("ndload: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* ---- one connection */

#define RBUF 131072 /* holds any frame the server sends here (an ErrorReply's message is at most 64 KiB) */
#ifndef READ_MAX      /* a test build (-DREAD_MAX=7) reads a few bytes at a time: frames split anywhere */
#define READ_MAX RBUF
#endif

enum expect { X_WELCOME, X_LOGIN_OK, X_FILE_INFO };

struct conn {
    int fd; /* -1: closed */
    bool connecting, opened; /* opened: its LoginOk came */
    bool ever_opened;        /* once opened (a connection opened again after a failure is not counted twice) */
    uint32_t events; /* what epoll waits for */
    /* output: `unsent` bytes from `wbase + wpos`; wbase repeats a unit of `wunit` bytes (one request) */
    const unsigned char *wbase;
    size_t wunit, wpos, unsent;
    /* input */
    unsigned char *rbuf;
    size_t rstart, rend;
    enum expect expect;
    size_t content_left, content_pos; /* raw content of the current FileInfo still to come, and where it is */
    /* GetFile requests queued and not answered yet; when each was queued (a ring: answers come in order) */
    int inflight, head;
    uint64_t *sent_at;
    uint64_t started; /* connect mode: when the connection was started */
};

#define HIST_US 1000000 /* latency histogram: 1 µs buckets up to 1 s, then one bucket for the rest */

struct thread {
    pthread_t tid;
    int epfd, nconns, opened;
    bool is_ready;
    struct conn *conns;
    uint64_t warm_done, done, errors, err_kind[E_KINDS];
    uint32_t *hist;
    uint64_t over, max_us;
};

static void conn_start(struct thread *t, struct conn *c);

/* Counts an error (every request the connection had in flight is lost with it), prints the first of its kind. */
static void note_error(struct thread *t, struct conn *c, enum err kind, const char *fmt, ...) {
    uint64_t lost = c->inflight > 0 ? (uint64_t)c->inflight : 1;
    t->errors += lost;
    t->err_kind[kind] += lost;
    if (!atomic_exchange(&err_printed[kind], true)) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "ndload: error (%s, first of its kind): ", ERR_NAMES[kind]);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
    }
}

static void conn_close(struct conn *c) {
    if (c->fd >= 0) close(c->fd); /* also takes it out of the epoll set */
    c->fd = -1;
    c->connecting = false;
    c->opened = false;
    c->unsent = c->wpos = 0;
    c->rstart = c->rend = 0;
    c->content_left = 0;
    c->inflight = 0;
    c->head = 0;
}

/*
 * The connection failed. Before its LoginOk that ends the whole run (the server is not there, or refuses the
 * Hello or the login: retrying would only hammer it, and lock the account); after it, the failure is counted and
 * the connection started again.
 */
static void conn_fail(struct thread *t, struct conn *c) {
    bool fatal = !c->opened;
    conn_close(c);
    if (fatal) {
        atomic_store(&aborted, true);
        atomic_store(&phase, STOP);
    } else if (atomic_load_explicit(&phase, memory_order_relaxed) != STOP) {
        conn_start(t, c);
    }
}

static void set_events(struct thread *t, struct conn *c, uint32_t events) {
    if (events == c->events) return;
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(t->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl: %s", strerror(errno));
    c->events = events;
}

/* Writes what is queued, as much as the socket takes. 1: all of it; 0: some is left; -1: failed (errno). */
static int write_some(struct conn *c) {
    while (c->unsent > 0) {
        ssize_t n = send(c->fd, c->wbase + c->wpos, c->unsent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
        }
        c->wpos = (c->wpos + (size_t)n) % c->wunit;
        c->unsent -= (size_t)n;
    }
    return 1;
}

/* Writes what is queued; waits for EPOLLOUT when the socket takes less. false: the connection failed. */
static bool flush_out(struct thread *t, struct conn *c) {
    int rc = write_some(c);
    if (rc < 0) {
        note_error(t, c, E_IO, "write: %s", strerror(errno));
        conn_fail(t, c);
        return false;
    }
    set_events(t, c, rc ? EPOLLIN : EPOLLIN | EPOLLOUT);
    return true;
}

/* A new connection: connect mode sends open.bin + get.bin at once, the other modes open.bin. */
static void conn_start(struct thread *t, struct conn *c) {
    c->started = now_ns();
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) die("socket: %s", strerror(errno));
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->expect = X_WELCOME;
    if (cfg.mode == M_CONNECT) {
        c->wbase = cfg.connect_req, c->wunit = c->unsent = cfg.connect_len;
        c->inflight = 1;
    } else {
        c->wbase = cfg.open_req, c->wunit = c->unsent = cfg.open_len;
    }
    c->wpos = 0;
    int rc = connect(c->fd, (const struct sockaddr *)&cfg.addr, sizeof cfg.addr);
    if (rc < 0 && errno != EINPROGRESS) {
        note_error(t, c, E_CONNECT, "connect: %s", strerror(errno));
        conn_fail(t, c);
        return;
    }
    /*
     * On loopback the handshake is usually over by now, although connect said EINPROGRESS: writing at once saves
     * waiting for EPOLLOUT (and the SO_ERROR check and the epoll_ctl after it). A write that finds the connection
     * not established yet gets EAGAIN, and the connection waits for EPOLLOUT as usual.
     */
    int wrote = write_some(c);
    if (wrote < 0) {
        note_error(t, c, E_CONNECT, "connect, then write: %s", strerror(errno));
        conn_fail(t, c);
        return;
    }
    c->connecting = rc < 0 && c->unsent == c->wunit; /* nothing written: maybe not connected yet */
    c->events = EPOLLIN | (wrote ? 0 : EPOLLOUT);
    struct epoll_event ev = {.events = c->events, .data.ptr = c};
    if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl: %s", strerror(errno));
}

/* Session and pipeline: queues GetFile requests up to the window (none once the run stops) and writes them. */
static void top_up(struct thread *t, struct conn *c) {
    if (atomic_load_explicit(&phase, memory_order_relaxed) == STOP) return;
    int k = (cfg.mode == M_PIPELINE ? cfg.window : 1) - c->inflight;
    if (k <= 0) return;
    if (c->wbase != cfg.gets) { /* the first GetFile after open.bin, which is all written (LoginOk came) */
        c->wbase = cfg.gets, c->wunit = cfg.get_len, c->wpos = 0;
    }
    uint64_t now = now_ns();
    for (int i = 0; i < k; i++) c->sent_at[(c->head + c->inflight + i) % cfg.window] = now;
    c->inflight += k;
    c->unsent += (size_t)k * cfg.get_len;
    flush_out(t, c);
}

/* A download checked to its last byte. false: the connection was closed (connect mode), nothing more to read. */
static bool answered(struct thread *t, struct conn *c) {
    uint64_t now = now_ns();
    uint64_t start = cfg.mode == M_CONNECT ? c->started : c->sent_at[c->head];
    c->head = (c->head + 1) % cfg.window;
    c->inflight--;
    c->expect = X_FILE_INFO;
    int p = atomic_load_explicit(&phase, memory_order_relaxed);
    if (p == WARMUP) {
        t->warm_done++;
    } else if (p == TIMED) {
        long before = cfg.count > 0 ? atomic_fetch_add(&timed_done, 1) : 0;
        if (before < cfg.count || cfg.count == 0) {
            t->done++;
            uint64_t us = (now - start) / 1000;
            if (us < HIST_US) t->hist[us]++;
            else t->over++;
            if (us > t->max_us) t->max_us = us;
        }
        if (cfg.count > 0 && before == cfg.count - 1) { /* the COUNTth download: the end of the timed part */
            int expected = TIMED;
            if (atomic_compare_exchange_strong(&phase, &expected, STOP)) end_ns = now_ns(), end_cpu = cpu_us();
        }
    }
    if (cfg.mode == M_CONNECT) {
        conn_close(c);
        if (atomic_load_explicit(&phase, memory_order_relaxed) != STOP) conn_start(t, c);
        return false;
    }
    return true;
}

/*
 * A whole frame: checks it against what the connection expects. -1: the connection failed; 0: go on; 1: a FileInfo
 * of an empty file, which is the whole answer.
 */
static int on_frame(struct thread *t, struct conn *c, unsigned type, uint32_t id, const unsigned char *p,
                     size_t n) {
    static const char *const WHAT[] = {"Welcome", "LoginOk", "FileInfo"};
    const uint32_t ids[] = {cfg.hello_id, cfg.login_id, cfg.get_id};
    if (type == T_ERROR_REPLY) {
        uint32_t code = n >= 4 ? be32(p) : 0;
        size_t len = n >= 6 ? (size_t)(p[4] << 8 | p[5]) : 0;
        if (len > n - 6) len = 0;
        note_error(t, c, E_REPLY, "ErrorReply code %u (request id %u), instead of a %s: %.*s", code, id,
                   WHAT[c->expect], (int)len, (const char *)p + 6);
        return -1;
    }
    static const unsigned TYPES[] = {T_WELCOME, T_LOGIN_OK, T_FILE_INFO};
    if (type != TYPES[c->expect] || id != ids[c->expect]) {
        note_error(t, c, E_FRAME, "a frame of type %u with request id %u instead of a %s (type %u, id %u)", type,
                   id, WHAT[c->expect], TYPES[c->expect], ids[c->expect]);
        return -1;
    }
    switch (c->expect) {
    case X_WELCOME:
        c->expect = X_LOGIN_OK;
        return 0;
    case X_LOGIN_OK:
        c->expect = X_FILE_INFO;
        c->opened = true;
        if (!c->ever_opened) { /* the first time: it counts towards the thread being ready */
            c->ever_opened = true;
            t->opened++;
        }
        return 0;
    case X_FILE_INFO:
        break;
    }
    /* FileInfo: name (string), size (u64), offset (u64), sha256 (string); nothing after it */
    size_t name_len = n >= 2 ? (size_t)(p[0] << 8 | p[1]) : SIZE_MAX;
    size_t at = 2 + name_len; /* size, offset, sha256's length */
    if (name_len == SIZE_MAX || n < at + 18 || n != at + 18 + (size_t)(p[at + 16] << 8 | p[at + 17])) {
        note_error(t, c, E_FILE_INFO, "a malformed FileInfo (%zu bytes of payload)", n);
        return -1;
    }
    uint64_t size = be64(p + at), offset = be64(p + at + 8);
    size_t sha_len = (size_t)(p[at + 16] << 8 | p[at + 17]);
    const char *sha = (const char *)p + at + 18;
    if (size != cfg.file_len || offset != 0 || sha_len != 64 || memcmp(sha, cfg.sha, 64) != 0) {
        note_error(t, c, E_FILE_INFO, "FileInfo %.*s: size %llu, offset %llu, sha256 %.*s; expected size %zu, "
                   "offset 0, sha256 %s", (int)name_len, (const char *)p + 2, (unsigned long long)size,
                   (unsigned long long)offset, (int)sha_len, sha, cfg.file_len, cfg.sha);
        return -1;
    }
    c->content_left = cfg.file_len;
    c->content_pos = 0;
    return cfg.file_len == 0;
}

/*
 * Consumes what has been read: frames, and the raw content after a FileInfo, compared with the file as it comes.
 * false: the connection was closed (failed, or done in connect mode).
 */
static bool process(struct thread *t, struct conn *c) {
    for (;;) {
        size_t have = c->rend - c->rstart;
        const unsigned char *p = c->rbuf + c->rstart;
        if (c->content_left > 0) {
            if (have == 0) break;
            size_t take = have < c->content_left ? have : c->content_left;
            if (memcmp(p, cfg.file + c->content_pos, take) != 0) {
                size_t at = 0;
                while (p[at] == cfg.file[c->content_pos + at]) at++;
                note_error(t, c, E_CONTENT, "the content differs from the file at byte %zu", c->content_pos + at);
                conn_fail(t, c);
                return false;
            }
            c->rstart += take, c->content_pos += take, c->content_left -= take;
            if (c->content_left == 0 && !answered(t, c)) return false;
            continue;
        }
        if (c->expect == X_FILE_INFO && c->inflight == 0) {
            if (have == 0) break;
            note_error(t, c, E_FRAME, "%zu bytes from the server while no request was in flight", have);
            conn_fail(t, c);
            return false;
        }
        if (have < 4) break;
        uint32_t len = be32(p);
        if (len < 5 || len > MAX_FRAME_LENGTH || len > RBUF - 4) {
            note_error(t, c, E_FRAME, "a frame length of %u", len);
            conn_fail(t, c);
            return false;
        }
        if (have < 4 + (size_t)len) break; /* the rest of the frame is still to come */
        c->rstart += 4 + (size_t)len;
        int got = on_frame(t, c, p[4], be32(p + 5), p + 9, len - 5);
        if (got < 0) {
            conn_fail(t, c);
            return false;
        }
        if (got == 1 && !answered(t, c)) return false;
    }
    /* keep room to read into: what is left (part of a frame) moves to the front when the end is near */
    if (c->rstart == c->rend) {
        c->rstart = c->rend = 0;
    } else if (RBUF - c->rend < RBUF / 4) {
        memmove(c->rbuf, c->rbuf + c->rstart, c->rend - c->rstart);
        c->rend -= c->rstart;
        c->rstart = 0;
    }
    return true;
}

static void on_readable(struct thread *t, struct conn *c) {
    for (;;) {
        size_t room = RBUF - c->rend < READ_MAX ? RBUF - c->rend : READ_MAX;
        ssize_t n = read(c->fd, c->rbuf + c->rend, room);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            note_error(t, c, E_IO, "read: %s", strerror(errno));
            conn_fail(t, c);
            return;
        }
        if (n == 0) {
            note_error(t, c, E_EOF, "the server closed the connection (expecting a %s, %zu content bytes to come)",
                       c->expect == X_WELCOME ? "Welcome" : c->expect == X_LOGIN_OK ? "LoginOk" : "FileInfo",
                       c->content_left);
            conn_fail(t, c);
            return;
        }
        c->rend += (size_t)n;
        if (!process(t, c)) return;
        if ((size_t)n < room) break; /* read all there was; level-triggered epoll says when there is more */
    }
    if (c->opened && cfg.mode != M_CONNECT) top_up(t, c); /* one write for every answer just read */
}

static void on_event(struct thread *t, struct conn *c, uint32_t events) {
    int fd = c->fd;
    if (c->connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            note_error(t, c, E_CONNECT, "connect: %s", strerror(err));
            conn_fail(t, c);
            return;
        }
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
        c->connecting = false;
    }
    if ((events & EPOLLOUT) && c->unsent > 0 && !flush_out(t, c)) return;
    if (c->fd == fd && (events & (EPOLLIN | EPOLLERR | EPOLLHUP))) on_readable(t, c);
}

/* Whether the connection still has work once the run has stopped: requests in flight, or its opening. */
static bool busy(const struct conn *c) { return c->fd >= 0 && (c->inflight > 0 || c->expect != X_FILE_INFO); }

static void *thread_main(void *arg) {
    struct thread *t = arg;
    t->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (t->epfd < 0) die("epoll_create1: %s", strerror(errno));
    for (int i = 0; i < t->nconns; i++) conn_start(t, &t->conns[i]);
    struct epoll_event events[64];
    uint64_t drain_until = 0;
    for (;;) {
        if (!t->is_ready && (cfg.mode == M_CONNECT || t->opened == t->nconns)) {
            t->is_ready = true;
            atomic_fetch_add(&ready, 1);
        }
        if (atomic_load_explicit(&phase, memory_order_relaxed) == STOP) {
            /* no new requests: finish (and check) the ones in flight, close the rest, for 5 s at most */
            if (drain_until == 0) drain_until = now_ns() + 5000000000u;
            bool left = false;
            for (int i = 0; i < t->nconns; i++) {
                struct conn *c = &t->conns[i];
                if (c->fd >= 0 && (!busy(c) || atomic_load(&aborted))) conn_close(c);
                left |= c->fd >= 0;
            }
            if (!left) break;
            if (now_ns() > drain_until) {
                for (int i = 0; i < t->nconns; i++) {
                    struct conn *c = &t->conns[i];
                    if (c->fd >= 0) note_error(t, c, E_DRAIN, "no answer within 5 s after the end of the run");
                    conn_close(c);
                }
                break;
            }
        }
        int n = epoll_wait(t->epfd, events, 64, 50);
        if (n < 0 && errno != EINTR) die("epoll_wait: %s", strerror(errno));
        for (int i = 0; i < n; i++) on_event(t, events[i].data.ptr, events[i].events);
    }
    close(t->epfd);
    return NULL;
}

/* ---- set-up and report */

static unsigned char *slurp(const char *path, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) die("%s: %s", path, strerror(errno));
    unsigned char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0) die("%s: %s", path, n < 0 ? strerror(errno) : "shorter than its size");
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return buf;
}

/* Reads the request id of the frame at `at` (of the given type) and returns where the next frame starts. */
static size_t frame_id(const char *what, const unsigned char *p, size_t len, size_t at, unsigned type,
                       uint32_t *id) {
    if (len - at < 9 || be32(p + at) < 5 || be32(p + at) > len - at - 4 || p[at + 4] != type)
        die("%s: expected a frame of type %u at byte %zu (write it with SmallFileBench --emit-requests)", what, type,
            at);
    *id = be32(p + at + 5);
    return at + 4 + be32(p + at);
}

static bool sleep_while_running(double seconds) { /* false: the run was aborted meanwhile */
    uint64_t until = now_ns() + (uint64_t)(seconds * 1e9);
    while (!atomic_load(&aborted) && atomic_load(&phase) != STOP && now_ns() < until) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    return !atomic_load(&aborted);
}

static uint64_t percentile(const uint64_t *hist, uint64_t total, uint64_t over, uint64_t max, double pct) {
    uint64_t rank = (uint64_t)(pct / 100.0 * (double)total + 0.999999), seen = 0;
    if (rank < 1) rank = 1;
    for (uint64_t us = 0; us < HIST_US; us++)
        if ((seen += hist[us]) >= rank) return us;
    return over > 0 ? max : 0;
}

static void usage(void) {
    fputs("usage: ndload -p PORT -r DIR -f FILE -s SHA256HEX [-m connect|session|pipeline] [-t THREADS] "
          "[-c CONNECTIONS]\n              [-w WINDOW] [-d SECONDS] [-n COUNT] [-W WARMUP_SECONDS] [-a ADDRESS]\n"
          "  DIR: open.bin and get.bin from SmallFileBench --emit-requests DIR\n", stderr);
    exit(2);
}

int main(int argc, char **argv) {
    const char *dir = NULL, *file = NULL, *sha = NULL, *address = "127.0.0.1";
    int port = -1;
    cfg.mode = M_SESSION, cfg.threads = 2, cfg.conns = 16, cfg.window = 16, cfg.seconds = 2, cfg.warmup = 1;
    bool seconds_given = false;
    int opt;
    while ((opt = getopt(argc, argv, "p:r:f:s:m:t:c:w:d:n:W:a:")) != -1) {
        switch (opt) {
        case 'p': port = atoi(optarg); break;
        case 'r': dir = optarg; break;
        case 'f': file = optarg; break;
        case 's': sha = optarg; break;
        case 'm':
            if (strcmp(optarg, "connect") == 0) cfg.mode = M_CONNECT;
            else if (strcmp(optarg, "session") == 0) cfg.mode = M_SESSION;
            else if (strcmp(optarg, "pipeline") == 0) cfg.mode = M_PIPELINE;
            else usage();
            break;
        case 't': cfg.threads = atoi(optarg); break;
        case 'c': cfg.conns = atoi(optarg); break;
        case 'w': cfg.window = atoi(optarg); break;
        case 'd': cfg.seconds = atof(optarg), seconds_given = true; break;
        case 'n': cfg.count = atol(optarg); break;
        case 'W': cfg.warmup = atof(optarg); break;
        case 'a': address = optarg; break;
        default: usage();
        }
    }
    if (optind != argc || port <= 0 || port > 65535 || !dir || !file || !sha) usage();
    if (cfg.threads < 1 || cfg.conns < cfg.threads || cfg.window < 1 || cfg.seconds <= 0 || cfg.warmup < 0
        || cfg.count < 0)
        die("needs 1 <= THREADS <= CONNECTIONS, WINDOW >= 1, SECONDS > 0, WARMUP_SECONDS >= 0, COUNT >= 0");
    if (cfg.count > 0 && !seconds_given) cfg.seconds = 300; /* with -n, -d is the deadline */
    if (cfg.mode != M_PIPELINE) cfg.window = 1;
    if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64) die("-s: 64 lower-case hex digits, not %s", sha);
    memcpy(cfg.sha, sha, 65);
    cfg.addr.sin_family = AF_INET;
    cfg.addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, address, &cfg.addr.sin_addr) != 1) die("-a: not an IPv4 address: %s", address);

    char path[4096];
    snprintf(path, sizeof path, "%s/open.bin", dir);
    cfg.open_req = slurp(path, &cfg.open_len);
    size_t at = frame_id(path, cfg.open_req, cfg.open_len, 0, T_HELLO, &cfg.hello_id);
    if (frame_id(path, cfg.open_req, cfg.open_len, at, T_LOGIN, &cfg.login_id) != cfg.open_len)
        die("%s: more than Hello + Login", path);
    snprintf(path, sizeof path, "%s/get.bin", dir);
    cfg.get_req = slurp(path, &cfg.get_len);
    if (frame_id(path, cfg.get_req, cfg.get_len, 0, T_GET_FILE, &cfg.get_id) != cfg.get_len)
        die("%s: more than one GetFile", path);
    cfg.file = slurp(file, &cfg.file_len);
    cfg.connect_len = cfg.open_len + cfg.get_len;
    cfg.connect_req = malloc(cfg.connect_len);
    memcpy(cfg.connect_req, cfg.open_req, cfg.open_len);
    memcpy(cfg.connect_req + cfg.open_len, cfg.get_req, cfg.get_len);
    cfg.gets = malloc((size_t)(cfg.window + 1) * cfg.get_len);
    for (int i = 0; i <= cfg.window; i++) memcpy(cfg.gets + (size_t)i * cfg.get_len, cfg.get_req, cfg.get_len);
    signal(SIGPIPE, SIG_IGN);

    /* the connections, spread over the threads as evenly as they go */
    struct thread *threads = calloc((size_t)cfg.threads, sizeof *threads);
    struct conn *conns = calloc((size_t)cfg.conns, sizeof *conns);
    for (int i = 0, next = 0; i < cfg.threads; i++) {
        struct thread *t = &threads[i];
        t->nconns = cfg.conns / cfg.threads + (i < cfg.conns % cfg.threads);
        t->conns = conns + next;
        next += t->nconns;
        t->hist = calloc(HIST_US, sizeof *t->hist);
        for (int k = 0; k < t->nconns; k++) {
            t->conns[k].fd = -1;
            t->conns[k].rbuf = malloc(RBUF);
            t->conns[k].sent_at = calloc((size_t)cfg.window, sizeof(uint64_t));
        }
    }
    for (int i = 0; i < cfg.threads; i++)
        if (pthread_create(&threads[i].tid, NULL, thread_main, &threads[i]) != 0) die("pthread_create failed");

    /* connections open (session, pipeline), warm-up, then the timed part */
    uint64_t t_open = now_ns();
    while (atomic_load(&ready) < cfg.threads && !atomic_load(&aborted) && now_ns() - t_open < 30000000000u) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    bool opened = atomic_load(&ready) == cfg.threads;
    uint64_t t0 = 0, c0 = 0, t1 = 0, c1 = 0;
    if (opened && sleep_while_running(cfg.warmup)) {
        atomic_store(&phase, TIMED);
        t0 = now_ns(), c0 = cpu_us();
        sleep_while_running(cfg.seconds);
        int expected = TIMED;
        if (atomic_compare_exchange_strong(&phase, &expected, STOP)) t1 = now_ns(), c1 = cpu_us();
    }
    atomic_store(&phase, STOP);
    for (int i = 0; i < cfg.threads; i++) pthread_join(threads[i].tid, NULL);
    if (t0 != 0 && t1 == 0) t1 = end_ns, c1 = end_cpu; /* -n: the COUNTth download ended it (0: an abort did) */

    /* the figures, every thread's */
    uint64_t done = 0, warm = 0, errors = 0, over = 0, max = 0, kinds[E_KINDS] = {0};
    uint64_t *hist = calloc(HIST_US, sizeof *hist);
    for (int i = 0; i < cfg.threads; i++) {
        struct thread *t = &threads[i];
        done += t->done, warm += t->warm_done, errors += t->errors, over += t->over;
        if (t->max_us > max) max = t->max_us;
        for (int k = 0; k < E_KINDS; k++) kinds[k] += t->err_kind[k];
        for (int us = 0; us < HIST_US; us++) hist[us] += t->hist[us];
    }
    bool timed_out = cfg.count > 0 && opened && !atomic_load(&aborted) && (long)done < cfg.count;
    double secs = t1 > t0 ? (double)(t1 - t0) / 1e9 : 0;
    uint64_t cpu = c1 > c0 ? c1 - c0 : 0;
    printf("NDLOAD mode=%s threads=%d connections=%d window=%d requests=%llu seconds=%.4f per_s=%.1f cpu_us=%llu "
           "cpu_us_each=%.2f errors=%llu warmup_requests=%llu p50_us=%llu p99_us=%llu max_us=%llu\n",
           MODE_NAMES[cfg.mode], cfg.threads, cfg.conns, cfg.window, (unsigned long long)done, secs,
           secs > 0 ? (double)done / secs : 0, (unsigned long long)cpu, done ? (double)cpu / (double)done : 0,
           (unsigned long long)errors, (unsigned long long)warm,
           (unsigned long long)percentile(hist, done, over, max, 50),
           (unsigned long long)percentile(hist, done, over, max, 99), (unsigned long long)max);
    fflush(stdout);
    fprintf(stderr, "ndload: %s, %d threads, %d connections, window %d: %llu downloads of %zu bytes in %.3f s: "
            "%.0f/s, p50 %llu µs, p99 %llu µs; client CPU %.1f µs each; %llu errors",
            MODE_NAMES[cfg.mode], cfg.threads, cfg.conns, cfg.window, (unsigned long long)done, cfg.file_len, secs,
            secs > 0 ? (double)done / secs : 0, (unsigned long long)percentile(hist, done, over, max, 50),
            (unsigned long long)percentile(hist, done, over, max, 99), done ? (double)cpu / (double)done : 0,
            (unsigned long long)errors);
    for (int k = 0; k < E_KINDS; k++)
        if (kinds[k]) fprintf(stderr, " (%s %llu)", ERR_NAMES[k], (unsigned long long)kinds[k]);
    fprintf(stderr, "; %llu warm-up downloads in %.1f s before\n", (unsigned long long)warm, cfg.warmup);
    if (!opened && !atomic_load(&aborted)) fprintf(stderr, "ndload: the connections were not open after 30 s\n");
    if (atomic_load(&aborted)) fprintf(stderr, "ndload: stopped by an error before a connection's LoginOk\n");
    if (timed_out) fprintf(stderr, "ndload: %llu of %ld downloads in %.0f s\n", (unsigned long long)done, cfg.count,
                           cfg.seconds);
    if (done == 0) fprintf(stderr, "ndload: no download was done in the timed part\n");
    bool ok = errors == 0 && done > 0 && opened && !timed_out && !atomic_load(&aborted);

    for (int i = 0; i < cfg.conns; i++) free(conns[i].rbuf), free(conns[i].sent_at);
    for (int i = 0; i < cfg.threads; i++) free(threads[i].hist);
    free(conns), free(threads), free(hist), free(cfg.open_req), free(cfg.get_req), free(cfg.file);
    free(cfg.connect_req), free(cfg.gets);
    return ok ? 0 : 1;
}
