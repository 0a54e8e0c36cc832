# The production image: gunicorn serves the portal; the same image runs the worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=portal.settings.production
# WeasyPrint needs Pango; libmagic checks uploads by content.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libmagic1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir "pip>=25.1" && pip install --no-cache-dir .
COPY . .
COPY --from=assets /build/node_modules ./node_modules
RUN DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=postgres://unused/unused REDIS_URL=redis://unused \
    python manage.py collectstatic --no-input
RUN useradd --system --home /app portal && mkdir -p /srv/portal/media && chown portal /srv/portal/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
