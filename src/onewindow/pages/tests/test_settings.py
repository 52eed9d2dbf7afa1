"""Settings come from the environment; production refuses unsafe configurations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

import pytest

ROOT = Path(__file__).resolve().parents[4]
SECRET = "x" * 20 + "-production-secret-for-the-test-only-" + "y" * 20


def run_django(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ONEWINDOW_ENV"}
    }
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "onewindow.config.settings",
            "PYTHONPATH": str(ROOT / "src"),
            "ONEWINDOW_VAR_DIR": str(tmp_path),
        }
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        capture_output=True,
        text=True,
        env=base,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = f"from django.core.management import call_command; call_command(*{list(args)!r})"
    return run_django(tmp_path, code, **env)


def test_production_passes_the_deployment_check(tmp_path: Path) -> None:
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        ONEWINDOW_ENV="production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="my.gov.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_django(tmp_path, "", ONEWINDOW_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr


def test_production_refuses_to_start_with_debug_on(tmp_path: Path) -> None:
    result = run_django(tmp_path, "", ONEWINDOW_ENV="production", SECRET_KEY=SECRET, DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_cookies_headers_and_policy(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s\n"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_REFERRER_POLICY,"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-ancestors'])"
    )
    result = run_django(tmp_path, code, ONEWINDOW_ENV="production", SECRET_KEY=SECRET)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "63072000",
        "strict-origin-when-cross-origin",
        "[\"'none'\"]",
    ]


def test_development_defaults_need_no_server(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s\n"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'],"
        " s.SESSION_ENGINE)"
    )
    result = run_django(tmp_path, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]
    assert (tmp_path / "secret_key").exists()


def test_database_url_and_redis_url_switch_to_postgresql_and_redis(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s\n"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'],"
        " s.CACHES['default']['BACKEND'], s.SESSION_ENGINE)"
    )
    result = run_django(
        tmp_path,
        code,
        DATABASE_URL="postgres://portal@db.example:5432/onewindow",
        REDIS_URL="redis://cache.example:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "onewindow",
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]


@pytest.mark.django_db
def test_the_configured_cache_really_works() -> None:
    from django.core.cache import cache

    cache.set("onewindow-test-key", "ვალი", 30)
    assert cache.get("onewindow-test-key") == "ვალი"
    cache.delete("onewindow-test-key")


@pytest.mark.django_db
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="PostgreSQL only (runs in CI's PostgreSQL pass)",
)
def test_postgresql_connections_do_without_jit_compilation() -> None:
    """Web pages are short queries; JIT made the back-office inbox 2× slower at 1M cases."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
