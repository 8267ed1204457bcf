/*
 * connload: new connections per second against a TCP echo server, with little CPU of its own.
 *
 *   connload HOST PORT SECONDS CONCURRENCY [BYTES]
 *
 * Keeps CONCURRENCY connections in flight on one thread (epoll, non-blocking sockets). Each one connects, writes
 * BYTES (default 64), reads them back, closes, and a new one takes its place. Prints one line:
 *
 *   conn_per_s=<completed/second> failed=<count> cpu_s=<this process's CPU seconds> wall_s=<seconds> refused=<count>
 *   reset=<count>
 *
 * (failed is every connection that did not complete: refused, the connects the server refused, plus reset, those
 * cut after they were accepted or left unanswered.)
 *
 * cpu_s next to wall_s shows whether the generator itself ran out of CPU (cpu_s close to wall_s: it is the
 * bottleneck, and its figure is a floor, not a measurement of the server). Connections end with a normal close
 * (FIN), as a client's would; on loopback Linux reuses the TIME_WAIT ports (net.ipv4.tcp_tw_reuse=2, the default).
 * Every loop is bounded by the deadline.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONCURRENCY 1024
#define MAX_BYTES 4096

enum phase { WRITING, READING };

struct conn {
    int fd;
    enum phase phase;
    int done; /* bytes written or read in the current phase */
};

static struct sockaddr_in target;
static int bytes = 64;
static char payload[MAX_BYTES];
static long completed, failed, refused, reset;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_one(int ep, struct conn *c) {
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        return -1;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *) &target, sizeof target) < 0 && errno != EINPROGRESS) {
        close(c->fd);
        return -1;
    }
    c->phase = WRITING;
    c->done = 0;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
    return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static void finish(int ep, struct conn *c, int ok) {
    if (!ok) {
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error == ECONNREFUSED) {
            refused++;
        } else {
            reset++;
        }
    }
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    if (ok) {
        completed++;
    } else {
        failed++;
    }
}

/* Moves one connection on; returns 1 when it has ended (well or not). */
static int step(int ep, struct conn *c, unsigned events) {
    if (events & EPOLLERR) {
        finish(ep, c, 0);
        return 1;
    }
    if (c->phase == WRITING) {
        ssize_t n = write(c->fd, payload + c->done, bytes - c->done);
        if (n < 0) {
            if (errno == EAGAIN) {
                return 0;
            }
            finish(ep, c, 0);
            return 1;
        }
        c->done += n;
        if (c->done == bytes) {
            c->phase = READING;
            c->done = 0;
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
            epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        }
        return 0;
    }
    char in[MAX_BYTES];
    ssize_t n = read(c->fd, in, bytes - c->done);
    if (n < 0 && errno == EAGAIN) {
        return 0;
    }
    if (n <= 0) {
        finish(ep, c, 0);
        return 1;
    }
    c->done += n;
    if (c->done == bytes) {
        finish(ep, c, 1);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 5 || argc > 6) {
        fprintf(stderr, "usage: connload HOST PORT SECONDS CONCURRENCY [BYTES]\n");
        return 2;
    }
    int concurrency = atoi(argv[4]);
    double seconds = atof(argv[3]);
    if (argc == 6) {
        bytes = atoi(argv[5]);
    }
    memset(&target, 0, sizeof target);
    target.sin_family = AF_INET;
    target.sin_port = htons(atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &target.sin_addr) != 1 || concurrency < 1 || concurrency > MAX_CONCURRENCY
        || seconds <= 0 || bytes < 1 || bytes > MAX_BYTES) {
        fprintf(stderr, "connload: bad arguments (an IPv4 address, 1-%d connections, 1-%d bytes)\n",
                MAX_CONCURRENCY, MAX_BYTES);
        return 2;
    }
    memset(payload, 'x', sizeof payload);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    static struct conn conns[MAX_CONCURRENCY];
    double start = now(), deadline = start + seconds;
    for (int i = 0; i < concurrency; i++) {
        if (open_one(ep, &conns[i]) < 0) {
            failed++;
            if (errno == ECONNREFUSED) refused++; else reset++;
        }
    }
    struct epoll_event events[MAX_CONCURRENCY];
    while (now() < deadline) {
        int ready = epoll_wait(ep, events, MAX_CONCURRENCY, 100);
        for (int i = 0; i < ready; i++) {
            struct conn *c = events[i].data.ptr;
            if (step(ep, c, events[i].events) && now() < deadline) {
                /* A failed open is counted and retried on the next turn of a finished connection. */
                while (open_one(ep, c) < 0 && failed < 1000000 && now() < deadline) {
                    failed++;
                    if (errno == ECONNREFUSED) refused++; else reset++;
                }
            }
        }
    }
    double wall = now() - start;
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    double cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec
                 + usage.ru_stime.tv_usec / 1e6;
    printf("conn_per_s=%.0f failed=%ld cpu_s=%.2f wall_s=%.2f refused=%ld reset=%ld\n", completed / wall, failed, cpu,
           wall, refused, reset);
    return 0;
}
