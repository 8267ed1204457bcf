#!/usr/bin/env python3
"""Plays systemd's socket activation for the tests: opens the listening sockets once (non-blocking, as
NonBlocking=yes), then starts the service with them as descriptors 3, 4, ... and LISTEN_PID, LISTEN_FDS and
LISTEN_FDNAMES set, as systemd does. Each line "restart" on stdin stops the service (SIGTERM, waits for it to exit)
and starts it again with the same sockets; the sockets stay open in between, so the kernel queues new connections.
Prints "sockets TCP_PORT UDP_PORT" once and waits for a line "start" (the caller writes the service's config
for those ports), then prints "started PID" for each start. Ends when stdin ends.

    fake-socket-activation.py LOG_PREFIX -- COMMAND...
"""
import os
import signal
import socket
import subprocess
import sys

log_prefix = sys.argv[1]
command = sys.argv[sys.argv.index("--") + 1:]

tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("127.0.0.1", 0))
tcp.listen(4096)
tcp.setblocking(False)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
udp.setblocking(False)
print("sockets %d %d" % (tcp.getsockname()[1], udp.getsockname()[1]), flush=True)

generation = 0


def start():
    global generation
    generation += 1
    out = open("%s.%d.log" % (log_prefix, generation), "wb")

    def as_systemd_passes_them():
        os.dup2(tcp.fileno(), 3)
        os.dup2(udp.fileno(), 4)
        os.environ["LISTEN_PID"] = str(os.getpid())
        os.environ["LISTEN_FDS"] = "2"
        os.environ["LISTEN_FDNAMES"] = "web:dns"

    child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, pass_fds=(3, 4),
                             preexec_fn=as_systemd_passes_them)
    print("started %d" % child.pid, flush=True)
    return child


# Descriptors 3 and 4 must exist in this process for pass_fds; the child's own dup2 puts the sockets there.
for fd in (3, 4):
    try:
        os.fstat(fd)
    except OSError:
        os.dup2(tcp.fileno(), fd)
sys.stdin.readline()  # "start"
service = start()
for line in sys.stdin:
    if line.strip() == "restart":
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=60)
        service = start()
service.send_signal(signal.SIGTERM)
service.wait(timeout=60)
