"""Django settings. Deploy-time values come from OMS_* environment variables (see config/env.py);
what an administrator tunes at run time lives in the database (oms.system.params)."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from oms.config.env import data_dir, database, env_bool, secret_key
from oms.core.files import ensure_private_file

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

SECRET_KEY = secret_key(DATA_DIR)
# Old keys, comma separated: signed cookies and stored secrets made with them stay readable until
# `oms secrets --rotate` has re-encrypted the secrets with the current key.
SECRET_KEY_FALLBACKS = [k.strip() for k in os.environ.get("OMS_SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]
DEBUG = env_bool("OMS_DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("OMS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("OMS_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
REDIS_URL = os.environ.get("OMS_REDIS_URL", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_htmx",
    "huey.contrib.djhuey",
    "bootstrap",
    "oms.core",
    "oms.accounts",
    "oms.system",
    "oms.channels",
    "oms.orders",
    "oms.inventory",
    "oms.logistics",
    "oms.monitoring",
    "oms.support",
    "oms.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "oms.accounts.middleware.SessionIdleTimeoutMiddleware",
    "oms.accounts.middleware.UserLanguageMiddleware",
    "oms.accounts.middleware.PasswordChangeRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oms.config.urls"
WSGI_APPLICATION = "oms.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oms.web.context_processors.console",
            ],
        },
    },
]

DATABASES = {"default": database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "oms.accounts.lockout.UserLockoutBackend",  # per username across all addresses (axes: per address)
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "oms.accounts.passwords.PasswordReuseValidator"},
]

# Tests set OMS_FAST_PASSWORD_HASHER=1: PBKDF2's deliberate slowness would dominate the suite.
if env_bool("OMS_FAST_PASSWORD_HASHER", False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "oms.web.views.csrf_failure"

# Login lockout (django-axes): username + IP, limits read from runtime parameters.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = "oms.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "oms.accounts.lockout.cooloff_time"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "oms.accounts.lockout.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# A try during the lockout must not move its end: the lockout page promises "until HH:MM".
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # accounts.LoginRecord is the sign-in log; axes' own would duplicate it

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese")), ("zh-hant", _("Traditional Chinese"))]
# The web area's catalog first: shared words translated the same everywhere, ahead of third-party catalogs.
LOCALE_PATHS: list[Path] = [BASE_DIR / "web" / "locale"]
TIME_ZONE = os.environ.get("OMS_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("OMS_MAX_BODY_BYTES", str(5 * 1024 * 1024)))
FILE_UPLOAD_PERMISSIONS = 0o600  # uploads hold customers' data: owner only
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oms.accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "oms.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "oms.core.api.FilterBackend",
        "oms.core.api.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "oms.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "oms.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OMS API",
    "DESCRIPTION": "Order processing system: orders, inventory, logistics, customer service.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from the drf-spectacular-sidecar package: the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "oms.orders.choices.OrderStatus.choices",
        "ImportStatusEnum": "oms.channels.models.ImportStatus.choices",
        "TransferStatusEnum": "oms.inventory.models.TransferStatus.choices",
        "SecretStateEnum": "oms.channels.api.views.SECRET_STATES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "oms.core.schema.add_error_responses",
    ],
}

# Background work: Huey on SQLite in the data dir, or on Redis when OMS_REDIS_URL is set.
HUEY_IMMEDIATE = env_bool("OMS_HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "oms",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
    }
else:
    ensure_private_file(DATA_DIR / "huey.sqlite3")  # queued tasks carry order data too
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "oms",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }
HUEY["consumer"] = {"workers": int(os.environ.get("OMS_WORKERS", "2")), "worker_type": "thread"}

EMAIL_BACKEND = "oms.system.mail.RuntimeSMTPBackend"
DEFAULT_FROM_EMAIL = "oms@localhost"

# Error reports (ADMINS e-mail, debug page) hide and mask personal data too.
DEFAULT_EXCEPTION_REPORTER_FILTER = "oms.core.personal.PersonalDataExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # phone numbers and ID cards never reach a log line unmasked
    "filters": {"personal_data": {"()": "oms.core.personal.MaskingLogFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["personal_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("OMS_LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response: scripts only from our own static files (no inline
# script or handler anywhere in the console; behaviour is in static/oms/*.js). Inline style
# attributes stay allowed: they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Deployment behind TLS (OMS_HTTPS=1; see docs/deploy.md): cookies only over HTTPS, HSTS, HTTP
# redirected to HTTPS, and the proxy's X-Forwarded-Proto trusted to say the request was HTTPS.
HTTPS = env_bool("OMS_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("OMS_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe may speak plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("OMS_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("OMS_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("OMS_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:  # preloading is the site owner's commitment (hstspreload.org), not a default
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
