# Direct memory per connection when every upstream stops reading (the water marks full), read from the relay's
# relay_direct_memory_used_bytes. Usage: direct-memory.py RELAY_PORT ADMIN_PORT CONNECTIONS
import socket, time, sys, urllib.request
relay_port, admin_port, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def metric(name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/metrics").read().decode()
    for line in text.splitlines():
        if line.startswith(name + " "): return float(line.split()[1])
base = metric("relay_direct_memory_used_bytes")
clients = []
for i in range(n):
    c = socket.create_connection(('127.0.0.1', relay_port)); c.setblocking(False); clients.append(c)
chunk = b'\0' * 65536
for _ in range(200):   # write until every client's socket is full: the relay has paused each one
    progress = False
    for c in clients:
        try:
            while True: c.send(chunk); progress = True
        except BlockingIOError: pass
    time.sleep(0.02)
    if not progress: break
time.sleep(0.5)
stalled = metric("relay_direct_memory_used_bytes")
print(f"stalled upstreams: {n} connections, direct memory {base/1024:.0f} KiB before, {stalled/1024:.0f} KiB after: "
      f"{(stalled-base)/n/1024:.1f} KiB per connection")
for c in clients: c.close()
