"""Gunicorn settings for serving Minga in production:

    .venv/bin/gunicorn -c minga/gunicorn.conf.py

Threaded workers ("gthread"), two processes per core, and at most one password hash at a
time per process. Logging in hashes the password with Argon2, kept at Django's parameters
(about half a second of CPU over several threads, and 100 MiB, per hash). A synchronous
worker is held for the whole hash, so when many people log in at once every other request
queues behind the hashes (measured, `bench/load.py --logins`: 100 logins at once on 2
synchronous workers keep a page waiting 34–70 s). argon2-cffi hashes in C with the GIL
released, so a threaded worker serves pages in its other threads meanwhile; the gate in
`minga/core/hashers.py` (MINGA_HASHES_AT_ONCE, default 1) keeps the hashes from taking
every core (and 100 MiB each), so those pages stay fast (p95 0.2 s during the same
storm). Logins then take their turn at the gate: hashing is bounded by the cores,
whatever the worker model.

Each thread keeps its own database connection: workers × threads must stay under
PostgreSQL's max_connections. Command-line options override these (`-w 2`, `--threads 8`),
and so do the variables below.
"""

from __future__ import annotations

import os

wsgi_app = "minga.wsgi:application"
# Where to listen: MINGA_BIND, else 127.0.0.1:$PORT (behind a proxy that terminates TLS).
bind = [os.environ.get("MINGA_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")]
worker_class = "gthread"
# Two processes per core (WEB_CONCURRENCY to choose), each with MINGA_WEB_THREADS threads:
# enough that requests waiting at the hashing gate leave threads free for pages. Why two:
# a process runs Python on one core at a time (the GIL), so with one per core a busy process
# queued requests while the other core idled (bench/load.py --production, 100 members:
# read p95 0.8 s with 2 processes, 0.2-0.5 s with 4, on 2 cores). The proxy opens a
# connection per request (deploy/nginx/minga.conf) for the same reason.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("MINGA_WEB_THREADS", "8"))
# A request still running after this long is cut off and its worker restarted.
timeout = 60
# Idle keep-alive connections wait in the worker's poller, not in a thread. Longer than a
# client's pause between two requests: at 2 s (the default) a loaded server closed
# connections as clients reused them (bench/load.py saw "connection reset by peer").
keepalive = 10
accesslog = os.environ.get("MINGA_ACCESS_LOG") or None
# gunicorn's control socket sits at one path per user (~/.gunicorn/gunicorn.ctl), so a second
# server on the machine takes it over; systemd and signals manage Minga's processes instead.
control_socket_disable = True
