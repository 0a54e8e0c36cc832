"""`make run`: debug pages, the embedded servers, e-mail written to a local outbox."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="development-only-not-secret")  # noqa: S105
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = env.path("DJANGO_EMAIL_FILE_PATH", default=BASE_DIR / "var" / "outbox")
OUTBOX_ENABLED = env.bool("DJANGO_OUTBOX_ENABLED", default=True)
