# One image for either channel:
#   docker run -e LINE_CHANNEL_SECRET=… -e LINE_CHANNEL_ACCESS_TOKEN=… -p 8080:8080 kodaira-bot run --channel line
#   docker run -e TELEGRAM_BOT_TOKEN=… kodaira-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KODAIRA_DATA_DIR=/app \
    KODAIRA_DB_PATH=/data/kodaira-bot.sqlite3 \
    XDG_CACHE_HOME=/data/cache

WORKDIR /app
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 kodaira && mkdir -p /data \
    && chown kodaira /data
# The data staff edit: baked in, or mounted over /app/knowledge and /app/intents.
COPY knowledge ./knowledge
COPY intents ./intents
# Check the data, and train the crisis model once now (cached under /data/cache), so a start only reads it.
RUN kodaira-bot kb check && kodaira-bot ask "確認" > /dev/null && chown -R kodaira /data

USER kodaira
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["kodaira-bot"]
CMD ["run"]
