"""Counting attempts in the shared cache: one counter per key and window."""

from __future__ import annotations

from django.core.cache import cache


def over_limit(key: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt under `key`; True once there have been more than `limit` in the
    window that began with the first of them."""
    cache_key = f"limit:{key}"
    cache.add(cache_key, 0, timeout=seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(cache_key, 1, timeout=seconds)
        count = 1
    return count > limit
