/* A UDP load generator: keeps WINDOW datagrams of SIZE bytes in flight to HOST:PORT for SECONDS and counts the
 * echoes; a datagram not answered within 200 ms counts as lost and frees its place. Prints
 *   datagrams_per_s=N lost=N cpu_s=N wall_s=N
 *   udpload HOST PORT SECONDS WINDOW SIZE */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: udpload HOST PORT SECONDS WINDOW SIZE\n"); return 2; }
    double seconds = atof(argv[3]);
    int window = atoi(argv[4]), size = atoi(argv[5]);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    inet_pton(AF_INET, argv[1], &to.sin_addr);
    if (connect(fd, (struct sockaddr *) &to, sizeof to) < 0) { perror("connect"); return 1; }
    int buffers = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffers, sizeof buffers);
    char *buf = calloc(1, size > 65536 ? size : 65536);
    long received = 0, lost = 0;
    int in_flight = 0;
    double start = now(), end = start + seconds, last_reply = start;
    while (now() < end) {
        while (in_flight < window) {
            if (send(fd, buf, (size_t) size, 0) < 0) break;
            in_flight++;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 10) > 0) {
            while (recv(fd, buf, 65536, MSG_DONTWAIT) > 0) { received++; in_flight--; last_reply = now(); }
        } else if (now() - last_reply > 0.2 && in_flight > 0) {
            lost += in_flight; in_flight = 0; last_reply = now();
        }
    }
    struct rusage u; getrusage(RUSAGE_SELF, &u);
    double cpu = u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
    printf("datagrams_per_s=%.0f lost=%ld cpu_s=%.2f wall_s=%.2f\n", received / seconds, lost, cpu, seconds);
    return 0;
}
