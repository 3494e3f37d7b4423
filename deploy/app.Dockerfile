# syntax=docker/dockerfile:1
# One image for the Python 3.11 services; the command chooses the process (docs/deploy.md):
#   python -m actions --port 5055                      action server (default command; needs ACTIONS_SECRET)
#   python -m staff serve                              staff web service (:8090)
#   python -m portal serve                             public handbook: pages, PDFs, chat box (:8092)
#   python -m bot.channels.telegram_gateway            Telegram gateway (polling, or webhook :8443)
#   python -m bot.channels.zalo_gateway                Zalo gateway (:8091)
#   python -m catalog migrate                          migrations (a Job before every rollout)
#   python -m counselling privacy purge                daily deletion of expired records
#
#   docker build -f deploy/app.Dockerfile -t gdnn-app .        (from the repository root, BuildKit)
#
# No secret is baked in: every setting comes from the environment at start.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app
WORKDIR /app
# Pango for WeasyPrint (the portal's PDFs); Debian's current security-updated packages.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
RUN groupadd --system --gid 10001 gdnn \
    && useradd --system --uid 10001 --gid gdnn --no-log-init --create-home --home-dir /home/gdnn gdnn \
    && mkdir -p /data/zalo \
    && chown gdnn:gdnn /data/zalo
COPY settings/ settings/
COPY vntext/ vntext/
COPY catalog/ catalog/
COPY counselling/ counselling/
COPY bot/ bot/
COPY actions/ actions/
COPY staff/ staff/
COPY portal/ portal/
COPY metrics/ metrics/
COPY notifier/ notifier/
COPY migrations/ migrations/
# counselling.labels reads the intents of domain.yml and the training data (counsellors' labels).
COPY domain.yml ./
COPY data/ data/
# Listen on every interface inside the container (the defaults are 127.0.0.1); the Zalo
# tokens (single-use refresh token) live in /data/zalo, a volume that must outlive the container.
ENV OFFICE_HOST=0.0.0.0 \
    PORTAL_HOST=0.0.0.0 \
    ZALO_LISTEN=0.0.0.0 \
    TELEGRAM_WEBHOOK_LISTEN=0.0.0.0 \
    ZALO_STATE_DIR=/data/zalo
USER 10001:10001
EXPOSE 5055 8090 8091 8092 8443
CMD ["python", "-m", "actions", "--port", "5055"]
