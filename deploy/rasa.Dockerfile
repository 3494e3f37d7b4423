# syntax=docker/dockerfile:1
# Rasa 3.6.21 (same pin as requirements-rasa.txt) with the project's Vietnamese NLU plugins
# (bot/nlu, vntext) and a model trained while the image is built.
#
#   docker build -f deploy/rasa.Dockerfile -t gdnn-rasa .      (from the repository root, BuildKit)
#
# Only what Rasa imports is copied (deploy/rasa.Dockerfile.dockerignore lists it): config.yml names
# bot.nlu.*, which import vntext; the entry point imports settings. No secret is baked in: every
# setting comes from the environment when the container starts (docs/deploy.md).

# --- stage 1: train the model (rasa train; 2-5 minutes, about 2 GB of memory) -----------------
FROM rasa/rasa:3.6.21 AS train
WORKDIR /app
ENV PYTHONPATH=/app \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=3
COPY --chown=1001:0 bot/__init__.py bot/
COPY --chown=1001:0 bot/nlu/ bot/nlu/
COPY --chown=1001:0 vntext/ vntext/
COPY --chown=1001:0 settings/ settings/
COPY --chown=1001:0 config.yml domain.yml ./
COPY --chown=1001:0 data/ data/
USER 1001
RUN rasa train --fixed-model-name gdnn --out models

# --- stage 2: what runs --------------------------------------------------------------------
FROM rasa/rasa:3.6.21
WORKDIR /app
ENV PYTHONPATH=/app \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=3 \
    RASA_HOST=0.0.0.0 \
    RASA_PORT=5005
COPY --chown=1001:0 bot/__init__.py bot/
COPY --chown=1001:0 bot/nlu/ bot/nlu/
COPY --chown=1001:0 bot/rasa_endpoints.py bot/rasa_run.py bot/
COPY --chown=1001:0 vntext/ vntext/
COPY --chown=1001:0 settings/ settings/
# credentials.yml: the REST channel. endpoints.yml is the local default kept for `rasa shell`;
# the entry point writes the real one from ACTION_ENDPOINT_URL, TRACKER_STORE_URL, REDIS_URL.
COPY --chown=1001:0 config.yml domain.yml credentials.yml endpoints.yml ./
COPY --chown=1001:0 deploy/rasa_entrypoint.py deploy/
COPY --from=train --chown=1001:0 /app/models/gdnn.tar.gz models/gdnn.tar.gz
USER 1001
EXPOSE 5005
# GET / answers once the model is loaded (about a minute after start).
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/' % os.environ.get('RASA_PORT', '5005'), timeout=4)"]
ENTRYPOINT ["python", "/app/deploy/rasa_entrypoint.py"]
