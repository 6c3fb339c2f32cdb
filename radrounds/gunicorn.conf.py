"""gunicorn settings for `make serve` and servers (gunicorn -c radrounds/gunicorn.conf.py).

Everything here can be overridden with gunicorn's own GUNICORN_CMD_ARGS or the
variables below.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers: two per CPU plus one (gunicorn's advice), at most 12 on a large box.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12)))
# A slow request is killed after this long (PubMed waits are handed to the worker).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows unbounded. Not too often: a
# new worker imports the whole site (a second or more of CPU), and at a few thousand
# requests a second 2,000 requests meant a restart every second (see bench/README.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# radRounds logs one line per request itself (JSON in production); errors to stderr.
accesslog = None
errorlog = "-"
# The app decides which forwarding headers to believe (TRUSTED_PROXIES); gunicorn
# must not turn X-Forwarded-Proto into https on its own for any peer.
forwarded_allow_ips = ""
secure_scheme_headers = {}
# Heartbeat files in memory, not on a possibly slow disk (gunicorn creates them itself,
# with private names and modes).
_SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None
# gunicorn's runtime control socket sits at one path per user; several instances on
# one machine (tests, staging beside production) would fight over it.
control_socket_disable = True
