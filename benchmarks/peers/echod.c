/*
 * echod: a TCP echo server on one thread (epoll), the backend of the connection-rate test, so that the backend
 * costs little CPU beside the proxy under test.
 *
 *   echod HOST PORT
 *
 * Echoes what each connection sends and closes it when the client does. Runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define EVENTS 256

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: echod HOST PORT\n");
        return 2;
    }
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1) {
        fprintf(stderr, "echod: %s is not an IPv4 address\n", argv[1]);
        return 2;
    }
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, (struct sockaddr *) &address, sizeof address) < 0 || listen(listener, 4096) < 0) {
        perror("echod: cannot listen");
        return 1;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = listener};
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
    struct epoll_event events[EVENTS];
    char buffer[16384];
    for (;;) {
        int ready = epoll_wait(ep, events, EVENTS, -1);
        for (int i = 0; i < ready; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                for (int n = 0; n < EVENTS; n++) {
                    int client = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (client < 0) {
                        break;
                    }
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = client};
                    epoll_ctl(ep, EPOLL_CTL_ADD, client, &cev);
                }
                continue;
            }
            ssize_t n = read(fd, buffer, sizeof buffer);
            if (n < 0 && errno == EAGAIN) {
                continue;
            }
            /* A short write would need buffering: the test's 64-byte exchanges always fit the socket. */
            if (n <= 0 || write(fd, buffer, n) != n) {
                close(fd);
            }
        }
    }
}
