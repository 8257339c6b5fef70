"""Instagram professional account: comments under posts and DMs (Meta webhooks, Graph API out)."""
from __future__ import annotations

import logging
from typing import Any, Mapping, Sequence

from connectors.base import Event, Route, WebhookRequest
from connectors.meta import (
    MetaChannelSettings,
    MetaConnector,
    changes_of,
    envelope,
    id_of,
    parse_messaging,
    social_capabilities,
    text_of,
)
from inbox.domain import EventKind, InboundEvent, Platform, Post, Sender, ThreadKind
from inbox.errors import UnknownEvent

logger = logging.getLogger(__name__)

# Instagram DMs take 1,000 characters; comments more, but one limit keeps answers short.
INSTAGRAM_CAPABILITIES = social_capabilities(max_text_length=1000, account_per_second=100)
# Changes that need no answer from an inbox: insights, mentions of us in others' posts.
IGNORED_FIELDS = frozenset({"story_insights", "mentions", "live_comments", "message_reactions", "messaging_seen",
                            "standby", "messaging_referral", "messaging_postbacks"})


class InstagramSettings(MetaChannelSettings):
    ID_SETTING = "INSTAGRAM_ACCOUNT_ID"
    TOKEN_SETTING = "INSTAGRAM_ACCESS_TOKEN"


class InstagramConnector(MetaConnector):
    name = "instagram"
    platforms = (Platform.INSTAGRAM,)
    capabilities = {Platform.INSTAGRAM: INSTAGRAM_CAPABILITIES}
    routes = (Route("", ("GET", "POST")),)
    expected_object = "instagram"
    channel = "Instagram"
    reply_edge, hide_field = "replies", "hide"  # POST /{comment}/replies; {"hide": true}

    def parse(self, request: WebhookRequest) -> Sequence[Event]:
        events: list[Event] = []
        for entry in envelope(request.body, self.expected_object):
            events.extend(parse_messaging(Platform.INSTAGRAM, entry, self.own_id))
            for field, value in changes_of(entry):
                if field == "comments":
                    event = self._comment(value)
                    if event is not None:
                        events.append(event)
                elif field in IGNORED_FIELDS:
                    logger.info("instagram: %s change ignored", field[:40])
                else:
                    raise UnknownEvent(f"instagram: change field {field[:40]!r}")
        return events

    def _comment(self, value: Mapping[str, Any]) -> InboundEvent | None:
        comment_id = id_of(value.get("id"), "comment id")
        author: Mapping[str, Any] = value.get("from") if isinstance(value.get("from"), dict) else {}
        author_id = id_of(author.get("id"), "comment from.id")
        if author_id == self.own_id:
            logger.debug("instagram: our own comment %s ignored", comment_id)
            return None
        media: Mapping[str, Any] = value.get("media") if isinstance(value.get("media"), dict) else {}
        parent = value.get("parent_id")
        post = Post(id_of(media["id"], "media.id")) if media.get("id") is not None else None
        return InboundEvent(
            platform=Platform.INSTAGRAM,
            kind=EventKind.COMMENT,
            event_id=comment_id,
            chat_id=author_id,  # a private reply goes to the author
            sender=Sender(author_id, display_name=text_of(author.get("username"), "from.username", 255) or None),
            text=text_of(value.get("text"), "comment text"),
            timestamp=None,
            message_id=comment_id,
            thread_key=id_of(parent, "parent_id") if parent else comment_id,
            thread_kind=ThreadKind.COMMENTS,
            post=post,
            raw=value,
        )

    def describe_post(self, post_id: str) -> Post | None:
        return self.describe(post_id, "caption", "permalink")
