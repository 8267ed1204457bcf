# 150 clients to a relay on 127.0.0.1:16202 that may hold about 45 connections (ulimit -n 120): how many wait
# in the accept queue, how many were accepted and closed, and how many are served once 60 leave.
import socket, time, sys
conns=[]; resets=0; ok=0
for i in range(150):
    try:
        c=socket.create_connection(('127.0.0.1',16202), timeout=5); conns.append(c)
    except Exception as e: print("connect fail", e); break
time.sleep(1.0)
# check state: which connections got reset
for c in conns:
    c.setblocking(False)
    try:
        d=c.recv(1)
        if d==b'': pass
    except BlockingIOError: ok+=1
    except ConnectionResetError: resets+=1
    except Exception as e: print(e)
print("alive",ok,"reset",resets, "of", len(conns))
for c in conns[:60]: c.close()
time.sleep(2.5)
# the ones left: do they get served now? send a byte, expect echo
served=0; reset2=0
for c in conns[60:]:
    try:
        c.setblocking(True); c.settimeout(5); c.send(b'x'); 
        if c.recv(1)==b'x': served+=1
    except Exception as e: reset2+=1
print("after freeing: served",served,"failed",reset2,"of",len(conns)-60)
