"""Facebook Page: feed comments and Messenger (Meta webhooks, Graph API out)."""
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
    timestamp_of,
)
from inbox.domain import (
    ChangeEvent,
    ChangeKind,
    EventKind,
    InboundEvent,
    Platform,
    Post,
    Sender,
    ThreadKind,
)
from inbox.errors import UnknownEvent

logger = logging.getLogger(__name__)

# Messenger takes 2,000 characters a message; the Send API ~250 calls/s per page.
FACEBOOK_CAPABILITIES = social_capabilities(max_text_length=2000, account_per_second=250)
IGNORED_FIELDS = frozenset({"messages", "messaging_postbacks", "message_deliveries", "message_reads", "standby",
                            "message_echoes", "mention", "ratings", "live_videos"})
# Feed items that are not comments: the Page's own posts, likes, shares, reactions.
IGNORED_ITEMS = frozenset({"status", "post", "photo", "video", "share", "like", "reaction", "event", "album"})


class FacebookSettings(MetaChannelSettings):
    ID_SETTING = "FACEBOOK_PAGE_ID"
    TOKEN_SETTING = "FACEBOOK_PAGE_ACCESS_TOKEN"


class FacebookConnector(MetaConnector):
    name = "facebook"
    platforms = (Platform.FACEBOOK,)
    capabilities = {Platform.FACEBOOK: FACEBOOK_CAPABILITIES}
    routes = (Route("", ("GET", "POST")),)
    expected_object = "page"
    channel = "Facebook"
    reply_edge, hide_field = "comments", "is_hidden"  # POST /{comment}/comments; {"is_hidden": true}

    def parse(self, request: WebhookRequest) -> Sequence[Event]:
        events: list[Event] = []
        for entry in envelope(request.body, self.expected_object):
            events.extend(parse_messaging(Platform.FACEBOOK, entry, self.own_id))
            for field, value in changes_of(entry):
                if field == "feed":
                    events.extend(self._feed(value))
                elif field in IGNORED_FIELDS:
                    logger.info("facebook: %s change ignored", field[:40])
                else:
                    raise UnknownEvent(f"facebook: change field {field[:40]!r}")
        return events

    def _feed(self, value: Mapping[str, Any]) -> list[Event]:
        item, verb = str(value.get("item") or ""), str(value.get("verb") or "")
        if item in IGNORED_ITEMS:
            logger.info("facebook: feed %s %s ignored", item[:20], verb[:20])
            return []
        if item != "comment":
            raise UnknownEvent(f"facebook: feed item {item[:30]!r}")
        comment_id = id_of(value.get("comment_id"), "comment_id")
        author: Mapping[str, Any] = value.get("from") if isinstance(value.get("from"), dict) else {}
        author_id = str(author.get("id") or "")
        if author_id == self.own_id:
            logger.debug("facebook: our own comment %s ignored", comment_id)
            return []
        if verb in ("hide", "unhide"):
            logger.info("facebook: comment %s %s (by us or another admin)", comment_id, verb)
            return []
        post_id = str(value.get("post_id") or "")
        parent_id = str(value.get("parent_id") or "")
        # A top-level comment's parent is the post; a reply's is the comment it answers.
        thread_key = parent_id if parent_id and parent_id != post_id else comment_id
        if verb == "remove":
            return [ChangeEvent(Platform.FACEBOOK, ChangeKind.REMOVED, comment_id, raw=value)]
        if verb not in ("add", "edited"):
            raise UnknownEvent(f"facebook: comment verb {verb[:20]!r}")
        post_info: Mapping[str, Any] = value.get("post") if isinstance(value.get("post"), dict) else {}
        link = post_info.get("permalink_url")
        event = InboundEvent(
            platform=Platform.FACEBOOK,
            kind=EventKind.COMMENT,
            event_id=f"{comment_id}:{verb}",  # a comment is added once and may be edited later
            chat_id=id_of(author_id, "from.id"),
            sender=Sender(author_id, display_name=text_of(author.get("name"), "from.name", 255) or None),
            text=text_of(value.get("message"), "comment message"),
            timestamp=timestamp_of(value.get("created_time")),
            message_id=comment_id,
            thread_key=thread_key,
            thread_kind=ThreadKind.COMMENTS,
            post=Post(post_id, link=link if isinstance(link, str) and link.startswith("https://") else None)
            if post_id else None,
            raw=value,
        )
        if verb == "edited":
            return [ChangeEvent(Platform.FACEBOOK, ChangeKind.EDITED, comment_id, text=event.text,
                                timestamp=event.timestamp, fallback=event, raw=value)]
        return [event]

    def describe_post(self, post_id: str) -> Post | None:
        return self.describe(post_id, "message", "permalink_url")
