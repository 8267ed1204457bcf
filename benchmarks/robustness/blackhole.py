# A listener on 127.0.0.1:16401 that accepts and never reads: every upstream stalled.
import socket, threading, time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR,1); s.bind(('127.0.0.1',16401)); s.listen(512)
held=[]
while True:
    c,_=s.accept(); held.append(c)   # never reads
