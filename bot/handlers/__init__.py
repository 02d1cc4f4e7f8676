"""Channel adapters, one per folder or module: console, Telegram, LINE. The core never imports these."""
