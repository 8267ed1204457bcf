#!/usr/bin/env python3
"""Opens COUNT UDP sessions through a proxy and holds them idle: COUNT sockets, one datagram each, each answered
(the echo behind the proxy), then the sockets stay open for HOLD seconds so the proxy keeps every session while its
memory is read. Prints "opened=N answered=N" once all are answered (or after 10 s), then holds.

    udpsessions.py HOST PORT COUNT HOLD
"""
import selectors
import socket
import sys
import time

host, port, count, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
sockets = []
for i in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    s.connect((host, port))
    s.send(b"session %d" % i)
    sockets.append(s)
    if i % 200 == 199:
        time.sleep(0.01)  # a gentle ramp: the proxy's socket buffer is not what is measured
selector = selectors.DefaultSelector()  # epoll: select(2) stops at descriptor 1023
for s in sockets:
    selector.register(s, selectors.EVENT_READ)
answered = 0
deadline = time.monotonic() + 10
while answered < count and time.monotonic() < deadline:
    for key, _ in selector.select(0.1):
        try:
            key.fileobj.recv(2048)
            answered += 1
        except OSError:
            pass
        selector.unregister(key.fileobj)
print(f"opened={count} answered={answered}", flush=True)
time.sleep(hold)
