# The application image: web (gunicorn) and the task worker run from it.
# Exact tags: a rebuild brings no surprise upgrade. Bookworm's PostgreSQL client is 15, the major
# version of the db service, so pg_dump/pg_restore (manage.py backup/restore) match the server.
# WeasyPrint (case pack PDFs) needs Pango and the Japanese fonts of fonts-noto-cjk.
FROM python:3.11.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 app \
    && mkdir -p /data/media /data/private /backups \
    && chown app:app /data/media /data/private /backups
COPY pyproject.toml ./
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
