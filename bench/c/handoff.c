/*
 * The floor of the tutorial's design in C: what a master that accepts every connection and passes it to a worker
 * process (SCM_RIGHTS over a socketpair), as netdisk's master does, costs against workers that accept for themselves,
 * as nginx's do. Both serve one small file over HTTP/1.1 with "Connection: close", so that wrk drives them as it
 * drives nginx in bench/smallfiles.sh's case (a). Driven by bench/handoff-floor.sh.
 *
 *   handoff MODE PORT FILE WORKERS      MODE: handoff | direct
 *
 * handoff: the master epoll-waits on the listening socket, accepts until EAGAIN, sends each connection to the next
 *          worker in turn (one sendmsg with the fd, then close), as netdisk's master does minus its bookkeeping;
 *          each worker epoll-waits on its end of the socketpair and on its connections.
 * direct:  every worker epoll-waits on the listening socket (EPOLLEXCLUSIVE) and accepts itself; the master only
 *          waits.
 *
 * A worker reads the request (one read: wrk's GET fits in one segment), writes the header, sendfile()s the file and
 * closes the connection. Nothing is logged. Stops on SIGTERM or SIGINT (the master kills its workers).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define EVENTS 256

static int file_fd;
static off_t file_size;
static char header[256];
static size_t header_len;

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void serve(int fd) { /* one request, then close */
  char request[4096];
  ssize_t n = read(fd, request, sizeof request);
  if (n > 0 && write(fd, header, header_len) == (ssize_t)header_len) {
    off_t offset = 0;
    while (offset < file_size) {
      ssize_t sent = sendfile(fd, file_fd, &offset, (size_t)(file_size - offset));
      if (sent <= 0) {
        break; /* the client went away (or its buffer is full: 4 KiB never fills it) */
      }
    }
  }
  close(fd);
}

static int receive_fds(int control, int *fds, int max) { /* -> how many fds arrived, -1 at EOF */
  char data[64];
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int) * 16)];
  } control_buf;
  struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control_buf.buf,
                       .msg_controllen = sizeof control_buf.buf};
  ssize_t n = recvmsg(control, &msg, MSG_CMSG_CLOEXEC);
  if (n <= 0) {
    return n == 0 ? -1 : 0;
  }
  int count = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
      for (int i = 0; i < k && count < max; i++) {
        memcpy(&fds[count++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      }
    }
  }
  return count;
}

static void worker_loop(int listener, int control) { /* listener >= 0: direct mode; control >= 0: hand-off mode */
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) {
    die("epoll_create1");
  }
  struct epoll_event ev = {.events = EPOLLIN};
  if (listener >= 0) {
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.fd = listener;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) < 0) {
      die("epoll_ctl listener");
    }
  }
  if (control >= 0) {
    ev.events = EPOLLIN;
    ev.data.fd = control;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, control, &ev) < 0) {
      die("epoll_ctl control");
    }
  }
  struct epoll_event events[EVENTS];
  for (;;) {
    int n = epoll_wait(ep, events, EVENTS, -1);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == listener) {
        for (;;) {
          int c = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c < 0) {
            break;
          }
          struct epoll_event cev = {.events = EPOLLIN | EPOLLONESHOT, .data.fd = c};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
        }
      } else if (fd == control) {
        int fds[16];
        int k = receive_fds(control, fds, 16);
        if (k < 0) {
          exit(0); /* the master is gone */
        }
        for (int j = 0; j < k; j++) {
          fcntl(fds[j], F_SETFL, O_NONBLOCK);
          struct epoll_event cev = {.events = EPOLLIN | EPOLLONESHOT, .data.fd = fds[j]};
          epoll_ctl(ep, EPOLL_CTL_ADD, fds[j], &cev);
        }
      } else {
        serve(fd); /* close() takes it out of the epoll set */
      }
    }
  }
}

static void send_fd(int control, int fd) {
  char data = 'c';
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int))];
  } control_buf;
  struct iovec iov = {.iov_base = &data, .iov_len = 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control_buf.buf,
                       .msg_controllen = sizeof control_buf.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  while (sendmsg(control, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

static volatile sig_atomic_t stopping;
static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

int main(int argc, char **argv) {
  if (argc != 5 || (strcmp(argv[1], "handoff") != 0 && strcmp(argv[1], "direct") != 0)) {
    fprintf(stderr, "usage: handoff handoff|direct PORT FILE WORKERS\n");
    return 2;
  }
  int handoff = strcmp(argv[1], "handoff") == 0;
  int port = atoi(argv[2]);
  int workers = atoi(argv[4]);
  if (workers < 1 || workers > MAX_WORKERS) {
    fprintf(stderr, "WORKERS: 1 to %d\n", MAX_WORKERS);
    return 2;
  }
  file_fd = open(argv[3], O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (file_fd < 0 || fstat(file_fd, &st) < 0) {
    die(argv[3]);
  }
  file_size = st.st_size;
  header_len = (size_t)snprintf(header, sizeof header,
                                "HTTP/1.1 200 OK\r\nContent-Length: %lld\r\nContent-Type: application/octet-stream\r\n"
                                "Connection: close\r\n\r\n",
                                (long long)file_size);

  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 511) < 0) {
    die("bind/listen");
  }

  pid_t pids[MAX_WORKERS];
  int controls[MAX_WORKERS];
  for (int w = 0; w < workers; w++) {
    int pair[2] = {-1, -1};
    if (handoff && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
      die("socketpair");
    }
    pid_t pid = fork();
    if (pid < 0) {
      die("fork");
    }
    if (pid == 0) {
      if (handoff) {
        close(pair[0]);
        close(listener);
        worker_loop(-1, pair[1]);
      } else {
        worker_loop(listener, -1);
      }
      return 0;
    }
    pids[w] = pid;
    controls[w] = pair[0];
    if (handoff) {
      close(pair[1]);
    }
  }

  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  printf("listening on 127.0.0.1:%d (%s, %d workers)\n", port, argv[1], workers);
  fflush(stdout);

  if (handoff) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = listener};
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
    int next = 0;
    struct epoll_event events[4];
    while (!stopping) {
      int n = epoll_wait(ep, events, 4, -1);
      if (n <= 0) {
        continue;
      }
      for (;;) {
        int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
          break;
        }
        send_fd(controls[next], c);
        close(c); /* only after sendmsg returned: the worker holds it now */
        next = (next + 1) % workers;
      }
    }
  } else {
    while (!stopping) {
      pause();
    }
  }
  for (int w = 0; w < workers; w++) {
    kill(pids[w], SIGTERM);
  }
  for (int w = 0; w < workers; w++) {
    waitpid(pids[w], NULL, 0);
  }
  return 0;
}
