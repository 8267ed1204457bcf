# Relayed 1-byte round trips through RELAY_PORT for 5 s while an abusive admin client hits ADMIN_PORT (mode
# "abuse") or not ("none"); prints the count and p50/p99/max. Usage: admin-abuse.py RELAY_PORT ADMIN_PORT MODE
import socket, threading, time, sys
relay_port, admin_port, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
stop = time.time() + 6
def abuse_scrapes():
    while time.time() < stop:
        try:
            c = socket.create_connection(('127.0.0.1', admin_port), timeout=10)
            c.sendall(b"GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            while c.recv(65536): pass
            c.close()
        except Exception: pass
def abuse_slashes():
    while time.time() < stop:
        try:
            c = socket.create_connection(('127.0.0.1', admin_port), timeout=10)
            c.sendall(b"GET /api/routes" + b"/" * 4000 + b"x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            while c.recv(65536): pass
            c.close()
        except Exception: pass
threads = []
if mode != "none":
    threads += [threading.Thread(target=abuse_scrapes, daemon=True) for _ in range(100)]
    threads += [threading.Thread(target=abuse_slashes, daemon=True) for _ in range(20)]
for t in threads: t.start()
time.sleep(0.5)
c = socket.create_connection(('127.0.0.1', relay_port)); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
rtts = []
end = time.time() + 5
while time.time() < end:
    t0 = time.perf_counter(); c.sendall(b'x'); c.recv(1); rtts.append(time.perf_counter() - t0)
rtts.sort()
print(f"{mode}: {len(rtts)} round trips, p50 {rtts[len(rtts)//2]*1e6:.0f} us, p99 {rtts[len(rtts)*99//100]*1e6:.0f} us, max {rtts[-1]*1e3:.1f} ms")
