"""The portal's Celery app: broker and result backend both come from REDIS_URL.

DJANGO_SETTINGS_MODULE is not defaulted here: importing the `portal` package must not choose
settings for whoever imports it (pytest picks the test settings, `make run` development ones).
"""

from celery import Celery

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
