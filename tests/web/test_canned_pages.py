"""The canned answers page: every agent reads, admins edit."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from inbox.accounts import create_agent
from inbox.models import CannedResponse
from tests.conftest import TWILIO_ENV

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "kata-sandi-rahasia"


@pytest.fixture
def canned_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        # WhatsApp's 1,600 characters are the tightest limit of the enabled channels.
        {"TESTING": True, "database_url": f"sqlite:///{tmp_path}/t.sqlite3", "secret_key": "test", "redis_url": None,
         "platform_env": dict(TWILIO_ENV), "sandbox": False}
    )
    with app.extensions["inbox"].db.session() as db:
        create_agent(db, "owner@toko.id", PASSWORD, name="Owner", is_admin=True)
        create_agent(db, "sari@toko.id", PASSWORD, name="Sari")
    yield app
    app.extensions["inbox"].close()


def log_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return client


def post(client: FlaskClient, path: str, **form: Any) -> Any:
    token = CSRF.search(client.get("/canned").get_data(as_text=True)).group(1)
    return client.post(path, data={**form, "csrf_token": token}, follow_redirects=True)


def rows(app: Flask) -> list[tuple[str, str]]:
    with app.extensions["inbox"].db.session() as db:
        return [(r.shortcut, r.text) for r in db.execute(select(CannedResponse).order_by(CannedResponse.shortcut)).scalars()]


def test_admin_adds_replaces_and_deletes_answers(canned_app):
    owner = log_in(canned_app, "owner@toko.id")
    page = post(owner, "/canned", shortcut="/Ongkir", text="Ongkir dari Jakarta ya kak")
    assert "Jawaban /ongkir disimpan." in page.get_data(as_text=True)
    post(owner, "/canned", shortcut="ongkir", text="Ongkir dihitung dari Jakarta <b>ya</b> kak")
    assert rows(canned_app) == [("ongkir", "Ongkir dihitung dari Jakarta <b>ya</b> kak")]
    assert "&lt;b&gt;ya&lt;/b&gt;" in owner.get("/canned").get_data(as_text=True)

    with canned_app.extensions["inbox"].db.session() as db:
        answer_id = db.execute(select(CannedResponse.id)).scalar_one()
    post(owner, f"/canned/{answer_id}/delete")
    assert rows(canned_app) == []


@pytest.mark.parametrize("form", [{"shortcut": "", "text": "x"}, {"shortcut": "a", "text": " "}, {"shortcut": "a", "text": "x" * 1601}])
def test_invalid_answers_are_refused_with_a_reason(canned_app, form):
    owner = log_in(canned_app, "owner@toko.id")
    page = post(owner, "/canned", **form).get_data(as_text=True)
    assert "wajib diisi" in page
    assert rows(canned_app) == []


def test_agents_read_but_do_not_edit(canned_app):
    with canned_app.extensions["inbox"].db.session() as db:
        db.add(CannedResponse(shortcut="salam", text="Halo kak, dengan Sari di sini"))
    sari = log_in(canned_app, "sari@toko.id")
    html = sari.get("/canned").get_data(as_text=True)
    assert "/salam" in html and "Halo kak, dengan Sari di sini" in html and 'name="shortcut"' not in html
    assert post(sari, "/canned", shortcut="x", text="y").status_code == 403
    assert rows(canned_app) == [("salam", "Halo kak, dengan Sari di sini")]


def test_logged_out_visitors_go_to_login(canned_app):
    response = canned_app.test_client().get("/canned")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
