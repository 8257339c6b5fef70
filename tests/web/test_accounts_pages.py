"""Accounts on the web: admins add, disable, reset, unlock agents and change roles; everyone
changes their own password; the last admin stays an admin."""
from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from inbox.accounts import create_agent
from inbox.models import Agent
from tests.web.test_agents_pages import Desk, csrf_of, log_in


def admin_client(desk: Desk) -> FlaskClient:
    with desk.session() as db:
        create_agent(db, "owner@toko.id", "rahasia-123", name="Owner", is_admin=True)
    client = desk.app.test_client()
    assert log_in(client, "owner@toko.id").status_code == 302
    return client


def act(client: FlaskClient, path: str, **form: str) -> str:
    answer = client.post(path, data={"csrf_token": csrf_of(client, "/agents"), **form})
    assert answer.status_code == 302
    return client.get(answer.headers["Location"]).get_data(as_text=True)


def agent_id(desk: Desk, email: str) -> int:
    with desk.session() as db:
        return db.execute(select(Agent.id).where(Agent.email == email)).scalar_one()


def test_an_admin_adds_an_agent_who_logs_in_with_the_temporary_password(desk: Desk, desk_client: FlaskClient) -> None:
    owner = admin_client(desk)
    page = act(owner, "/agents", name="Budi <b>", email="Budi@Toko.id", role="agent")
    password = re.search(r"Kata sandi sementara: (\S+?)<", page)
    assert password and "budi@toko.id" in page and "Budi &lt;b&gt;" in page
    assert log_in(desk_client, "budi@toko.id", password.group(1)).status_code == 302
    assert desk_client.get("/agents").status_code == 403  # not an admin
    assert "Tidak bisa" in act(owner, "/agents", name="Lagi", email="budi@toko.id", role="agent")  # taken

    # Budi changes his password; his other session (the owner's client is not his) keeps working
    page = desk_client.get("/account").get_data(as_text=True)
    form = {"csrf_token": csrf_of(desk_client, "/account"), "current": password.group(1), "new": "baru-sekali-9",
            "again": "baru-sekali-9"}
    done = desk_client.post("/account/password", data=form)
    assert "Kata sandi diganti" in desk_client.get(done.headers["Location"]).get_data(as_text=True)
    assert desk_client.get("/").status_code == 200  # this session goes on
    other = desk.app.test_client()
    assert log_in(other, "budi@toko.id", "baru-sekali-9").status_code == 302
    wrong = desk_client.post("/account/password", data={**form, "current": "salah-salah", "csrf_token": csrf_of(desk_client, "/account")})
    assert "salah" in desk_client.get(wrong.headers["Location"]).get_data(as_text=True)
    assert page


def test_disable_reset_unlock_and_roles(desk: Desk, desk_client: FlaskClient) -> None:
    owner = admin_client(desk)
    desk.add_agent("sari@toko.id", "Sari")
    sari = agent_id(desk, "sari@toko.id")
    assert log_in(desk_client, "sari@toko.id").status_code == 302

    act(owner, f"/agents/{sari}/disable")
    assert desk_client.get("/").status_code == 302  # her session ended at once
    assert log_in(desk_client, "sari@toko.id").status_code != 302
    act(owner, f"/agents/{sari}/enable")
    page = act(owner, f"/agents/{sari}/reset")
    temporary = re.search(r"Kata sandi sementara: (\S+?)<", page)
    assert temporary and log_in(desk.app.test_client(), "sari@toko.id").status_code != 302  # the old one is gone
    assert log_in(desk.app.test_client(), "sari@toko.id", temporary.group(1)).status_code == 302

    throttle = desk.app.extensions["inbox"].login_throttle
    for _ in range(25):
        throttle.record_failure("sari@toko.id")
    assert throttle.is_locked("sari@toko.id") and "data-locked" in owner.get("/agents").get_data(as_text=True)
    act(owner, f"/agents/{sari}/unlock")
    assert not throttle.is_locked("sari@toko.id")

    act(owner, f"/agents/{sari}/admin")
    with desk.session() as db:
        assert db.get(Agent, sari).is_admin
    owner_id = agent_id(desk, "owner@toko.id")
    act(owner, f"/agents/{sari}/agent")
    assert "Admin aktif terakhir" in act(owner, f"/agents/{owner_id}/disable")  # the last admin stays
    assert "Admin aktif terakhir" in act(owner, f"/agents/{owner_id}/agent")
    with desk.session() as db:
        assert db.get(Agent, owner_id).is_admin and db.get(Agent, owner_id).disabled_at is None
