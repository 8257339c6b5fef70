"""Agents' accounts on the web: admins add, disable, re-enable and reset agents, change roles and
unlock an address locked by failed logins (/agents); everyone changes their own password (/account).

A reset gives a temporary password shown once to the admin; any password change ends every
session of that agent. The last active admin can be neither disabled nor made a plain agent.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from inbox.accounts import (
    AccountError,
    admins_left,
    create_agent,
    disable_agent,
    set_password,
    temporary_password,
)
from inbox.models import Agent, utcnow
from inbox.web.agents import _services, bp, login_required, restart_session, t


def _admin() -> None:
    if not g.agent.is_admin:
        abort(403, description=t("canned.admin_only"))


@bp.get("/agents")
@login_required
def agent_list() -> str:
    _admin()
    throttle = _services().login_throttle
    with _services().db.session() as db:
        agents = list(db.execute(select(Agent).order_by(Agent.disabled_at.is_not(None), Agent.name)).scalars())
        rows = [{"agent": a, "locked": throttle.is_locked(a.email)} for a in agents]
        return render_template("agents_admin.html", rows=rows)


@bp.post("/agents")
@login_required
def agent_add() -> Response:
    _admin()
    password = temporary_password()
    try:
        with _services().db.session() as db:
            agent = create_agent(db, request.form.get("email", ""), password, name=request.form.get("name") or None,
                                 is_admin=request.form.get("role") == "admin")
            email = agent.email
    except AccountError as exc:
        flash(t("accounts.refused", reason=str(exc)), "error")
        return redirect(url_for(".agent_list"))
    flash(t("accounts.added", email=email, password=password), "success")
    return redirect(url_for(".agent_list"))


@bp.post("/agents/<id:agent_id>/<any(disable, enable, reset, unlock, admin, agent):action>")
@login_required
def agent_change(agent_id: int, action: str) -> Response:
    _admin()
    with _services().db.session() as db:
        agent = db.get(Agent, agent_id)
        if agent is None:
            abort(404, description=t("desk.not_found"))
        last_admin = agent.is_admin and agent.disabled_at is None and not admins_left(db, agent)
        if action in ("disable", "agent") and last_admin:
            flash(t("accounts.last_admin"), "error")
            return redirect(url_for(".agent_list"))
        message = "" if action == "reset" else t(f"accounts.done_{action}", email=agent.email)
        if action == "disable":
            disable_agent(agent, utcnow())
        elif action == "enable":
            agent.disabled_at = None
        elif action == "reset":
            password = temporary_password()
            set_password(agent, password)
            message = t("accounts.done_reset", email=agent.email, password=password)
        elif action == "unlock":
            _services().login_throttle.unlock(agent.email)
        else:
            agent.is_admin = action == "admin"
        ends_own_session = agent.id == g.agent.id and action in ("disable", "reset")
    flash(message, "success")
    if ends_own_session:
        restart_session(None)
        return redirect(url_for(".login"))
    return redirect(url_for(".agent_list"))


@bp.get("/account")
@login_required
def account() -> str:
    return render_template("account.html")


@bp.post("/account/password")
@login_required
def account_password() -> Response:
    current, new, again = (request.form.get(name, "") for name in ("current", "new", "again"))
    with _services().db.session() as db:
        me = db.get(Agent, g.agent.id)
        assert me is not None
        if not check_password_hash(me.password_hash, current):
            flash(t("account.wrong_current"), "error")
            return redirect(url_for(".account"))
        if new != again:
            flash(t("account.mismatch"), "error")
            return redirect(url_for(".account"))
        try:
            set_password(me, new)
        except AccountError as exc:
            flash(t("accounts.refused", reason=str(exc)), "error")
            return redirect(url_for(".account"))
        version = me.session_version
    # Other sessions end (the version moved on); this one goes on with the new version.
    restart_session(g.agent.id, version=version)
    flash(t("account.changed"), "success")
    return redirect(url_for(".account"))
