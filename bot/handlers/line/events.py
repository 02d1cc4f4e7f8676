"""What each LINE webhook event means for the dialogue, through the core runner.

- follow (added as a friend, or unblocked): the greeting and the menu;
- unfollow (blocked): the resident's conversation state is forgotten; nothing can be sent;
- text: the dialogue (commands such as /help, and 「メニュー」, work as typed text);
- postback (a quick-reply button): the dialogue's choice;
- sticker, image, video, audio, file, location: one line saying that text is needed, with the
  emergency numbers (nothing of them is read, kept or logged);
- group and room chats: the bot answers only when addressed, that is an @mention of the bot in a text
  message or a press of one of its buttons; each member has their own state, as on Telegram. Other
  messages there, and the bot being added (join), get silence: a group is the members' conversation.
- an edited text (LINE allows edits in groups only) addressed to the bot: the crisis check reads the new
  words first, as every resident's words; otherwise one line saying edits are not answered again;
- anything else (unsend, member joined, beacon …): nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from linebot.v3.webhooks import (
    AudioMessageContent,
    Event,
    FileMessageContent,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    LocationMessageContent,
    MessageEditedEvent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UserMentionee,
    UserSource,
    VideoMessageContent,
)

from bot.core.dialogue import Notice
from bot.core.runner import Conversation, Runner
from bot.core.turns import Turn
from bot.data import Wording

# What arrived, by the name its words have in the wording (knowledge/municipality.yaml, notices.kinds).
KINDS: tuple[tuple[type, str], ...] = (
    (StickerMessageContent, "sticker"),
    (ImageMessageContent, "photo"),
    (VideoMessageContent, "video"),
    (AudioMessageContent, "voice"),
    (FileMessageContent, "document"),
)


def edited(wording: Wording, easy: bool) -> str:
    return wording.notices.edited.pick(easy)


Deliver = Callable[[str | None, str | None, Turn], Awaitable[None]]


@dataclass(frozen=True)
class Origin:
    """Where an event came from: its conversation, and whom to push to when the reply token is gone."""

    where: Conversation
    push_to: str | None
    shared: bool  # a group or room: answer only when addressed


def origin_of(event: Event) -> Origin | None:
    source = event.source
    if isinstance(source, UserSource) and source.user_id:
        return Origin(Conversation(("user", source.user_id)), str(source.user_id), shared=False)
    if isinstance(source, GroupSource) and source.group_id:
        member = source.user_id or ""  # a member who has not agreed to share their id: one anonymous slot
        return Origin(Conversation(("group", source.group_id), member), str(source.group_id), shared=True)
    if isinstance(source, RoomSource) and source.room_id:
        member = source.user_id or ""
        return Origin(Conversation(("room", source.room_id), member), str(source.room_id), shared=True)
    return None


def addressed_text(content: TextMessageContent, shared: bool) -> str | None:
    """The text meant for the bot, without the @mention of it; None when a group message is not for it."""
    text = str(content.text)
    if not shared:
        return text
    mentionees = content.mention.mentionees if content.mention is not None else []
    mine = [m for m in mentionees if isinstance(m, UserMentionee) and m.is_self]
    if not mine:
        return None
    for mention in sorted(mine, key=lambda m: m.index, reverse=True):
        text = text[: mention.index] + text[mention.index + mention.length :]
    return text.strip()


def notice_for(content: object) -> Notice:
    """What to say about a message that is not text, in the conversation's mode."""
    kind = next((name for cls, name in KINDS if isinstance(content, cls)), "other")

    def notice(wording: Wording, easy: bool) -> str:
        said = wording.notices
        if isinstance(content, LocationMessageContent):
            return said.location.pick(easy)
        return said.unreadable.fill(easy, kind=said.kind(kind), menu=said.menu_hint.line.pick(easy))

    return notice


class LineEvents:
    """Turns LINE events into runner turns; `deliver(reply_token, push_to, turn)` sends a turn's messages."""

    def __init__(self, runner: Runner, deliver: Deliver) -> None:
        self.runner = runner
        self.deliver = deliver

    async def handle(self, event: Event) -> None:
        origin = origin_of(event)
        if origin is None:
            return
        if isinstance(event, UnfollowEvent):
            self.runner.forget(origin.where)
            return
        token: str | None = getattr(event, "reply_token", None)

        async def send(turn: Turn) -> None:
            await self.deliver(token, origin.push_to, turn)

        where = origin.where
        if isinstance(event, FollowEvent):
            await self.runner.start(where, send)
        elif isinstance(event, PostbackEvent):
            await self.runner.choose(where, event.postback.data, send)
        elif isinstance(event, MessageEvent):
            content = event.message
            if isinstance(content, TextMessageContent):
                text = addressed_text(content, origin.shared)
                if text is not None:
                    await self.runner.text(where, text, send)
            elif not origin.shared:  # media cannot address the bot in a group: silence there
                await self.runner.unread(where, "", notice_for(content), send)
        elif isinstance(event, MessageEditedEvent) and isinstance(event.message, TextMessageContent):
            words = addressed_text(event.message, origin.shared)
            if words is not None:
                await self.runner.unread(where, words, edited, send)

