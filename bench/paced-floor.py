#!/usr/bin/env python3
"""The floor of a paced client, for B5's same-run reference: one keep-alive socket, one
`GET /health` per millisecond, blocking calls and nothing else (no histograms, no timeouts,
no report). Its *system* time is what the kernel charges any client for 1000 req/s over
loopback on this machine: the wake-ups, the loopback delivery and the IPI that wakes the
server. Usage: paced-floor.py PORT SECONDS"""
import socket
import sys
import time

port, secs = int(sys.argv[1]), float(sys.argv[2])
conn = socket.create_connection(("127.0.0.1", port))
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
start, sent = time.monotonic(), 0
while (now := time.monotonic()) - start < secs:
    due = start + sent * 0.001
    if due > now:
        time.sleep(due - now)
    conn.sendall(request)
    response = conn.recv(4096)
    while b"\r\n\r\n" not in response:  # /health's body comes with its head
        response += conn.recv(4096)
    sent += 1
print(f"{sent} requests")
