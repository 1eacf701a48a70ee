"""Redis for the lock-store tests: TEST_REDIS_URL (default a spare database
of the local server), skipped with the reason where none answers."""
import os
from typing import Any, Dict
from urllib.parse import urlsplit

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_settings_or_skip() -> Dict[str, Any]:
    parts = urlsplit(REDIS_URL)
    settings = {"host": parts.hostname, "port": parts.port or 6379, "db": int(parts.path.strip("/") or 0)}
    try:
        redis.Redis(**settings, socket_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {REDIS_URL} ({error}); set TEST_REDIS_URL")
    return settings


@pytest.fixture(scope="module")
def redis_settings() -> Dict[str, Any]:
    return redis_settings_or_skip()
