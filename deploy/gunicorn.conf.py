"""gunicorn for twirevents behind nginx (deploy/nginx): one instance per port, two instances.

nginx buffers requests and answers, so plain sync workers never wait on a slow client;
`--bind` comes from the command line (systemd unit `twirevents@PORT`, or make stack).
"""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
# A cold render of the whole feed over ~10,000 upcoming meetups takes ~20 s on one core,
# longer when every worker renders at once (bench/RESULTS.md).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory: a slow disk must not make the arbiter kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Only nginx on this machine may say the request came over https.
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
wsgi_app = "twirevents.wsgi:application"
