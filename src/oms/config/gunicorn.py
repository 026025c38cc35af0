"""gunicorn settings used by `oms serve`."""

import os

bind = os.environ.get("OMS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("OMS_WEB_WORKERS", "2"))
threads = int(os.environ.get("OMS_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 120
graceful_timeout = 10
accesslog = "-"
errorlog = "-"
wsgi_app = "oms.config.wsgi:application"
