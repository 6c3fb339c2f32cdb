"""The production configuration, checked in fresh processes as a server would load it."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def _run(args, env_overrides, tmp_path):
    # A server's environment: none of this test session's settings (the browser tests
    # set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which check --deploy rightly refuses).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC")
        )
    }
    env.update(env_overrides)
    env["SQLITE_PATH"] = str(tmp_path / "db.sqlite3")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_variable_in_env_example_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    text = (ROOT / ".env.example").read_text()
    names = set(_env_example())
    names |= {
        line.lstrip("# ").split("=", 1)[0]
        for line in text.splitlines()
        if line.startswith("# ") and "=" in line and line.lstrip("# ").split("=", 1)[0].isupper()
    }
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == []


def test_check_deploy_passes_with_the_env_example_values(tmp_path):
    values = _env_example()
    values["SECRET_KEY"] = secrets.token_urlsafe(50)  # the example leaves it to the operator
    values["MEDIA_ROOT"] = str(tmp_path / "media")
    values["STATIC_ROOT"] = str(tmp_path / "static")

    result = _run(["check", "--deploy", "--fail-level", "WARNING"], values, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr


def _production_settings(tmp_path, **extra) -> dict:
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k)"
        " for k in ['DEBUG', 'SESSION_COOKIE_NAME', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_NAME',"
        " 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT',"
        " 'ACCOUNT_DEFAULT_HTTP_PROTOCOL', 'MIDDLEWARE', 'STORAGES', 'TASKS',"
        " 'TASKS_ENQUEUE_ON_COMMIT']}, default=str))"
    )
    env = {
        "RADROUNDS_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "radrounds.example",
        **extra,
    }
    result = _run(["shell", "-c", script], env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_uses_secure_host_only_cookies_and_a_year_of_hsts(tmp_path):
    values = _production_settings(tmp_path)

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid" and values["SESSION_COOKIE_SECURE"]
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken" and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000


def test_production_serves_static_files_with_whitenoise_from_hashed_names(tmp_path):
    values = _production_settings(tmp_path)

    assert "whitenoise.middleware.WhiteNoiseMiddleware" in values["MIDDLEWARE"]
    assert "CompressedManifest" in values["STORAGES"]["staticfiles"]["BACKEND"]


def test_https_redirect_is_off_until_configured_and_then_links_say_https(tmp_path):
    assert _production_settings(tmp_path)["SECURE_SSL_REDIRECT"] is False

    values = _production_settings(tmp_path, SECURE_SSL_REDIRECT="true")

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "https"


def test_redis_url_moves_the_task_queue_to_rq_enqueued_on_commit(tmp_path):
    values = _production_settings(tmp_path, REDIS_URL="redis://127.0.0.1:6379/13")

    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert values["TASKS_ENQUEUE_ON_COMMIT"] is True


def test_a_bad_trusted_proxy_entry_is_refused_at_start(tmp_path):
    result = _run(["check"], {"TRUSTED_PROXIES": "10.0.0.0/8,not-an-address"}, tmp_path)

    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr


def test_media_can_move_to_an_s3_compatible_store_without_boto3_at_start(tmp_path):
    script = (
        "import json; from django.conf import settings as s;"
        " print(json.dumps([s.STORAGES['default'], s.MEDIA_URL,"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    env = {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "radrounds-media",
        "AWS_S3_CUSTOM_DOMAIN": "media.radrounds.example",
    }

    result = _run(["shell", "-c", script], env, tmp_path)

    assert result.returncode == 0, result.stderr
    storage, media_url, img_src = json.loads(result.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "radrounds-media"
    assert media_url == "https://media.radrounds.example/"
    assert "https://media.radrounds.example" in img_src  # avatars may load from there


def test_every_variable_the_settings_read_is_in_env_example_and_the_readme():
    import re

    sources = (ROOT / "radrounds" / "settings.py").read_text()
    sources += (ROOT / "radrounds" / "gunicorn.conf.py").read_text()
    pattern = r'(?:os\.environ(?:\.get)?\(|os\.environ\[|env_bool\(|env_list\(|env_int\()"(\w+)"'
    names = set(re.findall(pattern, sources))
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    development_only = {"SQLITE_TEST_PATH"}

    assert len(names) > 40
    assert sorted(n for n in names - development_only if n not in example) == []
    assert sorted(n for n in names if f"`{n}`" not in readme) == []
