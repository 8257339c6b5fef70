"""The agents' pages: log in, the shared queue, one conversation (reply, take, resolve, attachments).

Same work as the JSON API (inbox.web.api), through inbox.agent_desk. A reply is recorded and
`send_outbound` enqueued after the commit: the request never calls a platform.
"""
from __future__ import annotations

import hmac
import json
import secrets
import time
import uuid
from datetime import datetime
from functools import wraps
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from inbox import agent_desk, events
from inbox.accounts import authenticate, end_sessions
from inbox.domain import Platform
from inbox.models import Agent, Conversation, utcnow
from inbox.outbound_files import MAX_FILE_BYTES
from inbox.services import Services
from inbox.web import i18n
from inbox.web.media import find_attachment, serve_attachment, shows_thumbnail

bp = Blueprint("agents", __name__)

SESSION_AGENT = "agent_id"
SESSION_CSRF = "csrf_token"
SESSION_LANG = "lang"
SESSION_VERSION = "v"  # the agent's session_version when this session began
SESSION_SEEN = "seen"  # unix time of the last request: idle sessions end
STATS_CACHE_SECONDS = 30.0
QUEUE_PAGE_SIZE = 50  # a page; the counts and the pager say how many more there are
TABS = ("waiting", "mine", "open", "resolved")
DEFAULT_TAB = "open"
ALERT_FLAGS = frozenset({"abuse", "spam", "send_failed", "delivery_unknown"})
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Pages hold customers' messages: no copy in caches, nor on Back after logging out.
    "Cache-Control": "no-store",
}

View = Callable[..., Any]


def _services() -> Services:
    services: Services = current_app.extensions["inbox"]
    return services


def t(key: str, **values: Any) -> str:
    return i18n.translate(g.lang, key, **values)


# -- per request: language, agent, CSRF ---------------------------------------------------------

@bp.before_request
def load_request_state() -> None:
    requested = request.args.get("lang")
    if requested in i18n.LANGUAGES:
        session[SESSION_LANG] = requested
    g.lang = i18n.pick_language(session.get(SESSION_LANG))
    if request.endpoint == "agents.reply":
        # A reply may carry a photo or file: up to its limit, and a little for the form around it.
        request.max_content_length = MAX_FILE_BYTES + 256 * 1024
    if request.method == "POST":
        check_csrf()
    g.agent = load_agent(session.get(SESSION_AGENT))


@bp.after_request
def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def csrf_token() -> str:
    """One token per session, put in every form and checked on every POST."""
    token = session.get(SESSION_CSRF)
    if not token:
        token = session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return str(token)


def check_csrf() -> None:
    expected = session.get(SESSION_CSRF)
    sent = request.form.get("csrf_token", "")
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        abort(400, description="CSRF token missing or wrong; reload the page and try again")


def load_agent(agent_id: Any) -> Agent | None:
    """The session's agent, while the session is still good: same session version (no logout,
    password change or disabling since), not idle for longer than the shop allows."""
    if not isinstance(agent_id, int):
        return None
    now = time.time()
    idle_limit = _services().settings.session_idle_seconds
    seen = session.get(SESSION_SEEN)
    with _services().db.session() as db:
        agent = db.get(Agent, agent_id)
        if agent is not None:
            db.expunge(agent)
    if (
        agent is None
        or agent.disabled_at is not None
        or session.get(SESSION_VERSION) != agent.session_version
        or not isinstance(seen, (int, float))
        or now - seen > idle_limit
    ):
        restart_session(None)  # ended: the agent logs in again
        return None
    if now - seen > 60:  # refresh the idle clock at most once a minute (the cookie is rewritten)
        session[SESSION_SEEN] = int(now)
    return agent


def login_required(view: View) -> View:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.agent is None:
            if request.method == "GET":
                return redirect(url_for(".login", next=_current_path()))
            flash(t("login.required"), "error")
            return redirect(url_for(".login"))
        return view(*args, **kwargs)

    return wrapped


def _current_path() -> str:
    query = request.query_string.decode("utf-8", "replace")
    return f"{request.path}?{query}" if query else request.path


def safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would let a link send agents anywhere."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or not target.isprintable()  # CR/LF would split the Location header
    ):
        return url_for(".queue")
    parts = urlsplit(target)
    return url_for(".queue") if parts.scheme or parts.netloc else target


# -- helpers the templates call -----------------------------------------------------------------

def age(moment: datetime | None) -> str:
    return i18n.format_duration(g.lang, (utcnow() - moment).total_seconds() if moment else None)


def lang_url(lang: str) -> str:
    """This page again, in another language."""
    values: dict[str, Any] = {**(request.view_args or {}), **request.args, "lang": lang}
    return url_for(request.endpoint or ".queue", **values)


@bp.context_processor
def template_helpers() -> dict[str, Any]:
    lang = g.get("lang", i18n.DEFAULT_LANGUAGE)
    return {
        "t": t,
        "lang": lang,
        "languages": i18n.LANGUAGES,
        "lang_url": lang_url,
        "csrf_token": csrf_token,
        "agent": g.get("agent"),
        "sandbox_on": _services().settings.sandbox,
        "age": age,
        "waited_seconds": waited_seconds,
        "duration": lambda seconds: i18n.format_duration(lang, seconds),
        "local_time": i18n.format_local_time,
        "rupiah": i18n.format_rupiah,
        "reason_text": lambda reason: i18n.describe_reason(lang, reason),
        "alert_flags": ALERT_FLAGS,
        "channel_label": lambda platform: i18n.translate_optional(lang, f"channel.{platform}", platform),
        "flag_label": lambda flag: i18n.translate_optional(lang, f"flag.{flag}", flag.replace("_", " ")),
        "media_thumbnail": shows_thumbnail,
        "order_status": lambda status: i18n.translate_optional(lang, f"orderstatus.{status}", status),
        "unseen_mentions": _unseen_mentions,
    }


def _unseen_mentions() -> int:
    """For the menu: notes mentioning the signed-in agent since they last looked."""
    agent = g.get("agent")
    if agent is None:
        return 0
    with _services().db.session() as db:
        return events.unseen_mentions(db, agent)


# -- log in and out -----------------------------------------------------------------------------

def restart_session(agent_id: int | None, *, version: int = 0) -> None:
    """A fresh session (and CSRF token) on logging in or out, so none is fixed; the language stays."""
    lang = session.get(SESSION_LANG)
    session.clear()
    if agent_id is not None:
        session[SESSION_AGENT] = agent_id
        session[SESSION_VERSION] = version
        session[SESSION_SEEN] = int(time.time())
    if lang:
        session[SESSION_LANG] = lang


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        if g.agent is not None:
            return redirect(url_for(".queue"))
        return render_template("login.html", next=request.args.get("next", ""), email="", failed=False)
    email = request.form.get("email", "")
    throttle = _services().login_throttle
    # Counted before the password is checked: parallel guesses cannot pass the limit.
    if not throttle.attempt(email, request.remote_addr).allowed:
        page = render_template("login.html", next=request.form.get("next", ""), email=email, failed=False, locked=True)
        return page, 429
    with _services().db.session() as db:
        agent = authenticate(db, email, request.form.get("password", ""))
        agent_id = agent.id if agent else None
        session_version = agent.session_version if agent else 0
    if agent_id is None:
        throttle.record_failure(email)
        # One message for an unknown e-mail and a wrong password: no hint which accounts exist.
        page = render_template("login.html", next=request.form.get("next", ""), email=email, failed=True)
        return page, 401
    throttle.record_success(email, request.remote_addr)
    restart_session(agent_id, version=session_version)
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> Response:
    if g.agent is not None:
        # Revoked on the server: a copy of this session's cookie no longer logs anyone in.
        with _services().db.session() as db:
            agent = db.get(Agent, g.agent.id)
            if agent is not None:
                end_sessions(agent)
    restart_session(None)
    flash(t("logout.done"), "success")
    return redirect(url_for(".login"))


# -- the queue ----------------------------------------------------------------------------------

@bp.get("/")
@login_required
def queue() -> str:
    tab = request.args.get("tab", DEFAULT_TAB)
    if tab not in TABS:
        tab = DEFAULT_TAB
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < len(page) < 7 and int(page) > 0 else 1
    services = _services()
    with services.db.session() as db:
        agents = agent_desk.agent_choices(db)
        queue_filter = agent_desk.parse_queue_filter(
            request.args, platforms=_platform_choices(), agent_ids={agent_id for agent_id, _ in agents}
        )
        counts = agent_desk.tab_counts(db, g.agent.id, queue_filter, count_resolved=tab == "resolved")
        if tab != "resolved" and not queue_filter.text:
            counts["resolved"] = _resolved_count(db, queue_filter)
        statuses, own = agent_desk.QUEUE_TABS[tab]
        pages = max(1, -(-(counts[tab] or 0) // QUEUE_PAGE_SIZE))
        page_number = min(page_number, pages)
        conversations = agent_desk.list_conversations(
            db, statuses, QUEUE_PAGE_SIZE, offset=(page_number - 1) * QUEUE_PAGE_SIZE,
            assigned_to=g.agent.id if own else None, queue_filter=queue_filter,
        )
        now = utcnow()
        target = services.settings.response_target_seconds
        stats = _response_report(db, now, target)
        return render_template(
            "queue.html",
            tab=tab,
            tabs=TABS,
            rows=agent_desk.queue_rows(db, conversations),
            counts=counts,
            page=page_number,
            pages=pages,
            stats=stats,
            live_initial=_live_initial(None),
            filter=queue_filter,
            filter_args=queue_filter.as_args(),
            platforms=_platform_choices(),
            labels=agent_desk.known_labels(db),
            agents=agents,
            target_seconds=target,
        )


def _resolved_count(db: Session, queue_filter: agent_desk.QueueFilter) -> int | None:
    """The resolved tab's count on the other tabs, shared for STATS_CACHE_SECONDS: it grows by a
    few a minute and counting every resolved conversation on each page cost more than the page."""
    cache: dict[str, tuple[float, int | None]] = current_app.extensions.setdefault("inbox.resolved_count", {})
    key = json.dumps(queue_filter.as_args(), sort_keys=True)
    hit = cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < STATS_CACHE_SECONDS:
        return hit[1]
    number = agent_desk.tab_counts(db, 0, queue_filter, count_resolved=True)["resolved"]
    if len(cache) > 1000:
        cache.clear()
    cache[key] = (time.monotonic(), number)
    return number


def _response_report(db: Session, now: datetime, target: float) -> agent_desk.ResponseReport:
    """The day's figures, shared by every agent's page for STATS_CACHE_SECONDS: reading a busy
    day's messages costs more than a page may, and every open queue reloads each 15 seconds."""
    cache: dict[float, tuple[float, agent_desk.ResponseReport]] = current_app.extensions.setdefault(
        "inbox.response_report", {}
    )
    hit = cache.get(target)
    if hit is not None and time.monotonic() - hit[0] < STATS_CACHE_SECONDS:
        return hit[1]
    report = agent_desk.response_report(db, since=now - agent_desk.STATS_WINDOW, now=now, target_seconds=target)
    cache[target] = (time.monotonic(), report)
    return report


def _platform_choices() -> list[str]:
    """Channels to filter by: the built-in ones and any connector of the shop's own."""
    return sorted({platform.value for platform in Platform} | set(_services().connectors))


def waited_seconds(moment: datetime | None) -> float | None:
    return (utcnow() - moment).total_seconds() if moment else None


# -- one conversation ---------------------------------------------------------------------------

@bp.get("/conversations/<id:conversation_id>")
@login_required
def conversation(conversation_id: int) -> str:
    with _services().db.session() as db:
        current = _get_or_404(db, conversation_id)
        capabilities = _services().pipeline.capabilities(current.platform)
        agents = list(db.execute(select(Agent).order_by(Agent.name)).scalars())
        messages = agent_desk.history(db, conversation_id)
        return render_template(
            "conversation.html",
            conversation=current,
            timeline=agent_desk.timeline(messages, events.for_conversation(db, conversation_id)),
            suggestion=agent_desk.open_suggestion(messages),
            agent_names={a.id: a.name for a in agents},
            transfer_to=[a for a in agents if a.disabled_at is None and a.id != current.assigned_agent_id],
            may_change=current.assigned_agent_id in (None, g.agent.id) or g.agent.is_admin,
            other_threads=agent_desk.other_threads(db, current),
            known_labels=agent_desk.known_labels(db),
            orders=(orders := agent_desk.orders_for(db, current)),
            order_notices=agent_desk.unsent_notifications(db, orders),
            canned=agent_desk.canned_responses(db),
            # New per render: posting this same form twice (double click, resend) sends once.
            client_key=uuid.uuid4().hex,
            max_reply_length=capabilities.max_text_length if capabilities else 0,
            can_send_files=bool(capabilities and capabilities.media and current.thread_kind != "comments"),
            reply_targets=agent_desk.reply_targets(current, capabilities),
            window_closed=agent_desk.reply_window_closed(current, capabilities, utcnow()),
            window_ends=agent_desk.reply_window_ends(current, capabilities),
            templates=agent_desk.approved_templates(_services().engine.pack, current.platform, orders, utcnow())
            if agent_desk.reply_window_closed(current, capabilities, utcnow()) else [],
            window_hours=_hours_left(agent_desk.reply_window_ends(current, capabilities)),
            post_link=_safe_link((current.post or {}).get("link")),
            live_initial=_live_initial(conversation_id),
            shop_name=_services().engine.pack.shop_name,
        )


def _live_initial(conversation_id: int | None) -> str:
    """The state the page shows as rendered: live updates compare against it, so a change between
    rendering and the first event is not missed."""
    from inbox.web.live import live_state

    return json.dumps(live_state(conversation_id))


def _hours_left(until: datetime | None) -> int | None:
    if until is None:
        return None
    seconds = (until - utcnow()).total_seconds()
    return max(0, int(seconds // 3600)) if seconds > 0 else None


def _safe_link(link: object) -> str | None:
    """A post's link from the platform, shown only as a plain https URL (never javascript: and the like)."""
    return link if isinstance(link, str) and link.startswith("https://") and link.isprintable() else None


@bp.get("/conversations/<id:conversation_id>/messages/<id:message_id>/media/<int(max=99):index>")
@login_required
def media(conversation_id: int, message_id: int, index: int) -> Response:
    """A customer's attachment, fetched from the platform on each view (see inbox.web.media)."""
    services = _services()
    with services.db.session() as db:
        attachment = find_attachment(db, conversation_id, message_id, index)
        if attachment is None:
            abort(404, description=t("desk.not_found"))
        # Platform files are fetched outside the transaction; the inbox's own come from it.
        return serve_attachment(services.pipeline.connectors, attachment, db)


def _get_or_404(db: Session, conversation_id: int) -> Conversation:
    try:
        return agent_desk.get_conversation(db, conversation_id)
    except LookupError:
        abort(404, description=t("desk.not_found"))


def _back_to(conversation_id: int) -> Response:
    return redirect(url_for(".conversation", conversation_id=conversation_id))


def _apply(conversation_id: int, change: Callable[[Session], object], done_key: str) -> Response:
    """Run one desk change; a refusal (e.g. someone else has it) becomes a flash, not an error page."""
    try:
        with _services().db.session() as db:
            change(db)
    except LookupError:
        abort(404, description=t("desk.not_found"))
    except agent_desk.DeskError as exc:
        flash(i18n.desk_error_message(g.lang, str(exc)), "error")
    else:
        flash(t(done_key), "success")
    return _back_to(conversation_id)


@bp.post("/conversations/<id:conversation_id>/take")
@login_required
def take(conversation_id: int) -> Response:
    return _apply(conversation_id, lambda db: agent_desk.take(db, conversation_id, g.agent), "conv.taken")


@bp.post("/conversations/<id:conversation_id>/resolve")
@login_required
def resolve(conversation_id: int) -> Response:
    response = _apply(conversation_id, lambda db: agent_desk.resolve(db, conversation_id, g.agent), "conv.resolved")
    # The customer is asked for a rating (the job asks only if it is still resolved, once).
    _services().queue.submit("request_rating", conversation_id, g.agent.id)
    with _services().db.session() as db:
        following = agent_desk.next_waiting(db, after=conversation_id)
    if following is not None and request.form.get("next") != "stay":
        flash(t("conv.next_waiting"), "info")
        return redirect(url_for(".conversation", conversation_id=following))
    return response


@bp.post("/conversations/<id:conversation_id>/transfer")
@login_required
def transfer(conversation_id: int) -> Response:
    to_agent = request.form.get("agent_id", "")
    if not to_agent.isdigit():
        flash(t("desk.bad_transfer"), "error")
        return _back_to(conversation_id)
    return _apply(conversation_id, lambda db: agent_desk.transfer(db, conversation_id, g.agent, int(to_agent)),
                  "conv.transferred")


@bp.post("/conversations/<id:conversation_id>/release")
@login_required
def release(conversation_id: int) -> Response:
    return _apply(conversation_id, lambda db: agent_desk.release(db, conversation_id, g.agent), "conv.released")


@bp.post("/conversations/<id:conversation_id>/labels")
@login_required
def labels(conversation_id: int) -> Response:
    return _apply(conversation_id, lambda db: agent_desk.set_labels(db, conversation_id, request.form.get("labels", "")),
                  "conv.labels_saved")


@bp.post("/conversations/<id:conversation_id>/notes")
@login_required
def add_note(conversation_id: int) -> Response:
    try:
        with _services().db.session() as db:
            note = agent_desk.add_note(db, conversation_id, g.agent, request.form.get("text", ""))
            names = [a.name for a in db.execute(select(Agent).where(Agent.id.in_(note.mentions or []))).scalars()]
    except LookupError:
        abort(404, description=t("desk.not_found"))
    except agent_desk.DeskError as exc:
        flash(i18n.desk_error_message(g.lang, str(exc)), "error")
        return _back_to(conversation_id)
    flash(t("conv.note_mentioned", names=", ".join(names)) if names else t("conv.note_saved"), "success")
    return _back_to(conversation_id)


@bp.get("/mentions")
@login_required
def mentions() -> str:
    """Notes that @mention the agent; opening the page marks them seen."""
    with _services().db.session() as db:
        found = events.mentions_of(db, g.agent.id)
        seen_before = g.agent.mentions_seen_at
        names = {a.id: a.name for a in db.execute(select(Agent)).scalars()}
        me = db.get(Agent, g.agent.id)
        if me is not None:
            me.mentions_seen_at = utcnow()
        rows = [{"event": event, "conversation": conversation, "contact": conversation.contact,
                 "new": seen_before is None or event.created_at > seen_before} for event, conversation in found]
        return render_template("mentions.html", rows=rows, agent_names=names)


@bp.post("/conversations/<id:conversation_id>/reply")
@login_required
def reply(conversation_id: int) -> Response:
    services = _services()
    text = request.form.get("text", "")
    client_key = request.form.get("client_key", "")
    chosen_template = request.form.get("template") or None
    try:
        with services.db.session() as db:
            template = None
            if chosen_template:  # past the window: one of the approved templates offered on the page
                current = _get_or_404(db, conversation_id)
                offered = agent_desk.approved_templates(services.engine.pack, current.platform,
                                                        agent_desk.orders_for(db, current), utcnow())
                picked = next((c for c in offered if c["key"] == chosen_template), None)
                if picked is None:
                    raise agent_desk.DeskError("that template cannot be sent in this conversation")
                text, template = picked["text"], picked["template"]
            upload = request.files.get("attachment")
            content = upload.read(MAX_FILE_BYTES + 1) if upload is not None and upload.filename else b""
            message, created = agent_desk.reply(
                db, conversation_id, g.agent, text, client_key, utcnow(),
                capabilities_for=_services().pipeline.capabilities, target=request.form.get("target") or None,
                template=template, attachment=(content, upload.filename or "") if content and upload else None,
            )
            message_id = message.id
    except LookupError:
        abort(404, description=t("desk.not_found"))
    except agent_desk.DeskError as exc:
        flash(i18n.desk_error_message(g.lang, str(exc)), "error")
        return _back_to(conversation_id)
    if created:
        # Only after the commit, so the job always finds the message it is given.
        services.queue.submit("send_outbound", message_id)
        flash(t("conv.reply_sent"), "success")
    else:
        flash(t("conv.reply_duplicate"), "info")
    return _back_to(conversation_id)
