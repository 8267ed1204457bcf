/* A UDP echo server for the UDP benchmarks: every datagram goes back to its sender, as it came. One thread.
 *   udpecho HOST PORT */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: udpecho HOST PORT\n"); return 2; }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in at = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    inet_pton(AF_INET, argv[1], &at.sin_addr);
    int size = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (bind(fd, (struct sockaddr *) &at, sizeof at) < 0) { perror("bind"); return 1; }
    static char buf[65536];
    for (;;) {
        struct sockaddr_in from; socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &len);
        if (n >= 0) sendto(fd, buf, (size_t) n, 0, (struct sockaddr *) &from, len);
    }
}
