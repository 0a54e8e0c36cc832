from django.urls import path  # noqa: F401

# The CMS-0057-F prior-authorization metrics for portal administrators, under /cases/review/.
urlpatterns: list = []
