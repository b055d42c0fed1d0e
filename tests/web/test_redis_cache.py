"""The Redis cache (kyodo.web.redis_cache): Django's, with one client per pool, shared by threads."""

from __future__ import annotations

import threading

import pytest

from kyodo.web.redis_cache import RedisCache

REDIS = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_cache():  # type: ignore[no-untyped-def]
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running")
    cache = RedisCache(REDIS, {"KEY_PREFIX": "kyodo-test-client"})
    yield cache
    cache.clear()


def test_one_client_per_pool_is_reused(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client  # one server: reads and writes share the pool


def test_threads_share_the_client_and_see_each_others_writes(redis_cache):
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                redis_cache.set(f"k{n}:{i}", {"n": n, "i": i}, 30)
                assert redis_cache.get(f"k{n}:{i}") == {"n": n, "i": i}
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert redis_cache.get("k7:49") == {"n": 7, "i": 49}
    assert redis_cache.add("mark", 1, 30) and not redis_cache.add("mark", 2, 30)
