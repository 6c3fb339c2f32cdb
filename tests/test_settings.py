"""Production mode must refuse to start without its secrets (checked in a fresh process)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _start(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update({"DJANGO_SETTINGS_MODULE": "radrounds.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _start({"RADROUNDS_MODE": "production", "ALLOWED_HOSTS": "radrounds.example"})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _start({"RADROUNDS_MODE": "production", "SECRET_KEY": "x" * 50})

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both_and_debug_off():
    result = _start(
        {
            "RADROUNDS_MODE": "production",
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "radrounds.example",
        }
    )

    assert result.returncode == 0, result.stderr


def test_local_mode_starts_with_no_environment_at_all():
    assert _start({}).returncode == 0


def test_an_unknown_mode_is_refused():
    result = _start({"RADROUNDS_MODE": "staging"})

    assert result.returncode != 0
    assert "RADROUNDS_MODE" in result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite tuning applies only to SQLite")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
    assert journal == "wal"
    assert synchronous == 1  # NORMAL
    assert connection.transaction_mode == "IMMEDIATE"
