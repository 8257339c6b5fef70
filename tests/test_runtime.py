"""Processes: what building the app, a CLI command and many processes starting at once do."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from inbox.db import Database
from inbox.models import Agent

ROOT = Path(__file__).resolve().parent.parent


def test_building_the_app_starts_nothing_and_creates_no_one(make_app: Callable[..., Flask]) -> None:
    before = {t.name for t in threading.enumerate()}
    app = make_app(admin_email="owner@toko.id", admin_password="rahasia-123")
    started = {t.name for t in threading.enumerate()} - before
    assert not [name for name in started if name.startswith("inbox-")]
    with app.extensions["inbox"].db.session() as session:
        assert session.execute(select(func.count(Agent.id))).scalar_one() == 0


@pytest.mark.parametrize("command", [["flask", "--app", "app", "db", "upgrade"], ["flask/__main__.py", "--app", "app", "agents", "unlock", "x@toko.id"]])
def test_cli_commands_start_no_threads_and_no_sweep(tmp_path: Path, command: list[str]) -> None:
    code = (
        "import sys, threading, atexit\n"
        "atexit.register(lambda: print('THREADS', sorted(t.name for t in threading.enumerate()), file=sys.stderr))\n"
        "from flask.cli import main\n"
        f"sys.argv = {command!r}\n"
        "main()\n"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3", "INBOX_ADMIN_EMAIL": "owner@toko.id",
           "INBOX_ADMIN_PASSWORD": "rahasia-123"}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    threads = result.stderr.rsplit("THREADS", 1)[1]
    assert "inbox-" not in threads
    assert "sweep" not in result.stderr  # no sweep ran


def first_start(database_url: str, role: str) -> subprocess.Popen[str]:
    code = (
        "from app import create_app, start_up\n"
        "app = create_app()\n"
        f"start_up(app.extensions['inbox'], role={role!r})\n"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "INBOX_ADMIN_EMAIL": "owner@toko.id",
           "INBOX_ADMIN_PASSWORD": "rahasia-123"}
    env.pop("REDIS_URL", None)
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_many_processes_starting_at_once_on_an_empty_database(database_url: str) -> None:
    """gunicorn's workers and several worker.py started together: one migrates, one admin, no crash."""
    processes = [first_start(database_url, "worker") for _ in range(4)]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr[-3000:]
    db = Database(database_url)
    with db.session() as session:
        assert session.execute(select(Agent.email)).scalars().all() == ["owner@toko.id"]
    db.dispose()
