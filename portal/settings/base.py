"""Settings shared by every environment. Everything that differs comes from the environment."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The portal's own name, shown in the site chrome, letters and e-mails.
PORTAL_NAME = env("DJANGO_PORTAL_NAME", default="Summit Prior Authorization Portal")
PORTAL_SUPPORT_PHONE = env("DJANGO_PORTAL_SUPPORT_PHONE", default="(800) 555-0142")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "pgtrigger",
    "csp",
    "axes",
    # Multi-factor authentication: django-otp's devices, django-two-factor-auth's log-in and
    # setup. E-mail and SMS setup are the portal's own (accounts.signin.mfa_methods), so the
    # two_factor plugins for them are not installed.
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_email",
    "two_factor",
    "phonenumber_field",
    "portal",
    "accounts",
    "eligibility",
    "cases",
    "p2p",
]

MIDDLEWARE = [
    "portal.middleware.server_timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a time-out sign-out leaves a message for the login page.
    "accounts.signin.middleware.SessionTimeoutMiddleware",
    "accounts.signin.middleware.NoStoreForSignedInMiddleware",
    # A signed-in user who has not passed MFA goes to the MFA setup (accounts.signin.mfa).
    "accounts.signin.mfa.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Adds a Server-Timing header with the time spent in Django (make bench reads it).
SERVER_TIMING = env.bool("DJANGO_SERVER_TIMING", default=False)

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "portal.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The office's time zone until each user picks their own.
TIME_ZONE = env("DJANGO_TIME_ZONE", default="America/New_York")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Our own files, plus Bootstrap and htmx as installed from the npm registry (never copied in).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Clinical uploads live here under random names; no URL serves this folder (a view checks who
# asks, then sends the file as an attachment). Readable by the portal's own user only.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The queue the portal's tasks go to and its worker consumes. `make bench` gives its server a
# queue of its own (emptied after the run), so its messages never reach another worker.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Beat's periodic tasks (DatabaseScheduler copies them into its tables at start).
CELERY_BEAT_SCHEDULE = {
    # Drafts never submitted expire at the end of their second business day.
    "cases-drafts-expire": {"task": "cases.drafts_expire", "schedule": 5 * 60},
    # Determinations whose letters were never made (a lost message) are queued again.
    "cases-letters-missing": {"task": "cases.letters_missing_queue", "schedule": 5 * 60},
    # So are P2P confirmation letters.
    "p2p-letters-missing": {"task": "p2p.confirmation_letters_missing", "schedule": 5 * 60},
    # Holds whose due date passed go back to medical review (decide on the original).
    "cases-review-holds-expire": {"task": "cases.review_holds_expire", "schedule": 5 * 60},
    # The review leads' warnings of cases due within 24 hours, and the breaches recorded.
    "cases-review-due-alerts": {"task": "cases.review_due_alerts", "schedule": 5 * 60},
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="portal@example.org")
# Where the portal answers, for the links in e-mail sent by the workers (no request there).
PORTAL_URL = env("DJANGO_PORTAL_URL", default="http://127.0.0.1:8000")
# Where offices fax clinical information a hold asks for (printed on the hold letters).
PORTAL_CLINICAL_FAX = env("DJANGO_PORTAL_CLINICAL_FAX", default="(800) 555-0143")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# No inline scripts or styles anywhere: every script and stylesheet is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every PDF at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Registration (accounts/registration) ---
# The User Access Agreement a new user accepts; a new version is accepted anew.
USER_ACCESS_AGREEMENT_VERSION = "2026-11"
# How long the e-mailed "set your password" link works, in seconds.
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_LINK_SECONDS", default=24 * 60 * 60)
# Development's local outbox: sent e-mail (and SMS) are files a newcomer can open at /outbox/.
OUTBOX_ENABLED = False

# --- Sign-in security (accounts/signin) ---
# django-axes first: it refuses a locked-out user name and address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: 5 failed log-ins for one User ID from one address lock that pair for 15 minutes (a
# failed try while locked starts the 15 minutes again). Attempts, log-ins and failures are
# rows in the database (AccessAttempt, AccessLog, AccessFailureLog), shown in the admin.
AXES_FAILURE_LIMIT = 5
# django-axes reads a float as hours.
AXES_COOLOFF_TIME = 15 / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.signin.views.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"
# Behind reverse proxies, how many: the client's address is then read from X-Forwarded-For
# (portal.client_ip). 0 (no proxy): REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# Sessions end after this long without a request (recorded to within 1/30 of the limit), and this
# long after log-in whatever happens, enforced by accounts.signin.middleware; the page warns
# SESSION_IDLE_WARNING_SECONDS before the idle limit (static/js/idle_timeout.js).
SESSION_IDLE_TIMEOUT_SECONDS = env.int("DJANGO_SESSION_IDLE_SECONDS", default=15 * 60)
SESSION_IDLE_WARNING_SECONDS = env.int("DJANGO_SESSION_IDLE_WARNING_SECONDS", default=60)
SESSION_ABSOLUTE_SECONDS = env.int("DJANGO_SESSION_ABSOLUTE_SECONDS", default=8 * 60 * 60)
# "Remember User ID": a cookie holding the User ID only (Secure whenever the session cookie is).
REMEMBER_USER_ID_COOKIE_NAME = "portal_user_id"
REMEMBER_USER_ID_COOKIE_AGE = 365 * 24 * 60 * 60
# "Forgot User ID?" and "Forgot Password?" send e-mail: a few requests per hour per address
# typed in and per client address, counted in Redis.
SIGNIN_EMAIL_REQUESTS_PER_HOUR = env.int("DJANGO_SIGNIN_EMAIL_REQUESTS_PER_HOUR", default=5)
SIGNIN_CLIENT_REQUESTS_PER_HOUR = env.int("DJANGO_SIGNIN_CLIENT_REQUESTS_PER_HOUR", default=20)
# An office administrator's invitations to colleagues, per office and day.
INVITATIONS_PER_OFFICE_PER_DAY = env.int("DJANGO_INVITATIONS_PER_OFFICE_PER_DAY", default=20)
# Authorization Lookups an office user may make in a minute.
AUTHORIZATION_LOOKUPS_PER_MINUTE = env.int("DJANGO_AUTHORIZATION_LOOKUPS_PER_MINUTE", default=30)

# --- Multi-factor authentication ---
# After the password, a 6-digit PIN by e-mail, text message or an authenticator app. A user
# without a device sets one up before anything else (accounts.signin.mfa).
# E-mail PINs (django-otp): 6 digits, single use, valid 10 minutes; "Resend" waits a minute.
OTP_EMAIL_TOKEN_VALIDITY = 10 * 60
OTP_EMAIL_COOLDOWN_DURATION = 60
OTP_EMAIL_SUBJECT = f"Your {PORTAL_NAME} verification PIN"
OTP_EMAIL_BODY_TEMPLATE = (
    f"Your {PORTAL_NAME} verification PIN is {{{{ token }}}}. It expires in 10 minutes.\n\n"
    "If you did not ask for this PIN, someone may know your password: change it with "
    '"Forgot Password?" on the Portal Login page.\n'
)
# SMS PINs (accounts.models.SmsDevice): the same rules as e-mail ones.
OTP_SMS_TOKEN_VALIDITY = OTP_EMAIL_TOKEN_VALIDITY
OTP_SMS_COOLDOWN_DURATION = OTP_EMAIL_COOLDOWN_DURATION
# After a wrong PIN, the next try waits 1 s, then 2, 4, ... (django-otp's throttling).
OTP_SMS_THROTTLE_FACTOR = 1
# Text messages go through this gateway: a class with send_sms(device, token). The default
# writes them to the local outbox; a deployment names its SMS provider's gateway.
TWO_FACTOR_SMS_GATEWAY = env.str("DJANGO_SMS_GATEWAY", default="accounts.signin.sms.OutboxGateway")
# "Remember this device for 30 days": a signed cookie tied to the user's password hash and the
# device, so a new password or a new device asks for a PIN again (Secure whenever the session
# cookie is: accounts.signin.views.PortalLoginView).
TWO_FACTOR_REMEMBER_COOKIE_AGE = 30 * 24 * 60 * 60
# The PIN must follow the password within 10 minutes.
TWO_FACTOR_LOGIN_TIMEOUT = 10 * 60
# The admin site class is replaced in portal/urls.py (verified users only).
TWO_FACTOR_PATCH_ADMIN = False
PHONENUMBER_DEFAULT_REGION = "US"
