"""The channel-free core: crisis check, towns, replies, the assistant and the dialogue."""
