"""Agents' accounts: hashed passwords and hashed API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from inbox.errors import InboxError
from inbox.models import Agent

MIN_PASSWORD_LENGTH = 8
# Checked against when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(InboxError):
    pass


def normalise_email(email: str) -> str:
    return email.replace("\x00", "").strip().lower()


def create_agent(session: Session, email: str, password: str, *, name: str | None = None, is_admin: bool = False) -> Agent:
    email = normalise_email(email)
    if "@" not in email or len(email) > 255:
        raise AccountError("a valid e-mail address is required")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if session.execute(select(Agent).where(Agent.email == email)).scalar_one_or_none():
        raise AccountError(f"an agent with e-mail {email} already exists")
    agent = Agent(
        email=email,
        name=(name or email.split("@", 1)[0])[:255],
        password_hash=generate_password_hash(password),
        is_admin=is_admin,
    )
    session.add(agent)
    session.flush()
    return agent


def authenticate(session: Session, email: str, password: str) -> Agent | None:
    agent = session.execute(select(Agent).where(Agent.email == normalise_email(email))).scalar_one_or_none()
    if agent is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(agent.password_hash, password):
        return None
    return agent if agent.disabled_at is None else None


def end_sessions(agent: Agent) -> None:
    """Every session of this agent ends at its next request (logout, new password, disabling)."""
    agent.session_version = (agent.session_version or 0) + 1


def disable_agent(agent: Agent, now: datetime) -> None:
    """No more logins, sessions or API calls for this agent, at once."""
    agent.disabled_at = now
    agent.api_token_hash = None
    end_sessions(agent)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(agent: Agent) -> str:
    """A new token for the JSON API; only its digest is stored, so it is shown once."""
    token = "inbx_" + secrets.token_urlsafe(32)
    agent.api_token_hash = _token_digest(token)
    return token


def agent_for_token(session: Session, token: str) -> Agent | None:
    if not token.startswith("inbx_"):
        return None
    agent = session.execute(select(Agent).where(Agent.api_token_hash == _token_digest(token))).scalar_one_or_none()
    return agent if agent is not None and agent.disabled_at is None else None


def agent_count(session: Session) -> int:
    return session.execute(select(func.count(Agent.id))).scalar_one()


def set_password(agent: Agent, password: str) -> None:
    """A new password; every session of the agent ends (a stolen cookie stops working)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    agent.password_hash = generate_password_hash(password)
    end_sessions(agent)


def temporary_password() -> str:
    """For an admin's reset: shown once, typed once, changed by the agent on the account page."""
    return secrets.token_urlsafe(9)


def admins_left(session: Session, without: Agent) -> int:
    """Active admins other than this one: the last admin is never disabled or made an agent."""
    return session.execute(select(func.count(Agent.id)).where(
        Agent.is_admin.is_(True), Agent.disabled_at.is_(None), Agent.id != without.id)).scalar_one()
