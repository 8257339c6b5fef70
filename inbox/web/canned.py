"""Canned answers: every agent sees them (and inserts them from a conversation); admins edit them.

Routes live on the agents' blueprint, so they share its login, CSRF check and headers.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from connectors import tightest_text_limit
from inbox.models import CannedResponse
from inbox.store import clean_text
from inbox.web.agents import _services, bp, login_required, t

MAX_SHORTCUT = 64


def _max_text() -> int:
    """A canned answer must fit every channel it may be sent on."""
    return tightest_text_limit(_services().connectors)


def _admin_only() -> None:
    if not g.agent.is_admin:
        abort(403, description=t("canned.admin_only"))


@bp.get("/canned")
@login_required
def canned_list() -> str:
    with _services().db.session() as db:
        rows = list(db.execute(select(CannedResponse).order_by(CannedResponse.shortcut)).scalars())
        return render_template("canned.html", rows=rows, max_text=_max_text(), max_shortcut=MAX_SHORTCUT)


@bp.post("/canned")
@login_required
def canned_save() -> Response:
    """Add an answer, or replace the text of the one with the same shortcut."""
    _admin_only()
    shortcut = (clean_text(request.form.get("shortcut", "")) or "").strip().lstrip("/").lower()
    text = (clean_text(request.form.get("text", "")) or "").strip()
    max_text = _max_text()
    if not shortcut or len(shortcut) > MAX_SHORTCUT or not text or len(text) > max_text:
        flash(t("canned.invalid", shortcut=MAX_SHORTCUT, text=max_text), "error")
        return redirect(url_for(".canned_list"))
    with _services().db.session() as db:
        existing = db.execute(select(CannedResponse).where(CannedResponse.shortcut == shortcut)).scalar_one_or_none()
        if existing is None:
            db.add(CannedResponse(shortcut=shortcut, text=text))
        else:
            existing.text = text
    flash(t("canned.saved", shortcut=shortcut), "success")
    return redirect(url_for(".canned_list"))


@bp.post("/canned/<id:canned_id>/delete")
@login_required
def canned_delete(canned_id: int) -> Any:
    _admin_only()
    with _services().db.session() as db:
        row = db.get(CannedResponse, canned_id)
        if row is None:
            abort(404, description=t("canned.not_found"))
        db.delete(row)
    flash(t("canned.deleted"), "success")
    return redirect(url_for(".canned_list"))
