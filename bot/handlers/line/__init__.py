"""The LINE channel: a webhook server on line-bot-sdk (v3, async API client), thin onto the core runner.

- `settings`: LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, LINE_API_BASE_URL, read here;
- `webhook`: the HTTP server: signature check, redelivery check, events handed out concurrently;
- `events`: what each kind of event means for the dialogue (follow, text, postback, sticker …);
- `render`: dialogue messages → LINE text messages with quick replies, within LINE's limits;
- `delivery`: the reply API (push only when the reply token has expired), bounded retries;
- `app`: `kodaira-bot run --channel line`.
"""
