"""TokenInfoCache: valid OAuth answers reused until the token expires or the TTL passes,
bounded in size, keyed by a digest so no token is kept in memory."""

from __future__ import annotations

from dynafed.identity.oauth.tokeninfo import TokenCacheSettings, TokenInfoCache, oauth_identity
from dynafed.identity.verified import VerifiedIdentity

NOW = 1_800_000_000.0


def identity(user: str, expires_at: float = NOW + 3600) -> VerifiedIdentity:
    keys = {"www.amazon.com:user_id": [user]}
    return oauth_identity("www.amazon.com", user, "client", keys, int(expires_at), None, {})


def test_an_answer_is_reused_until_the_ttl() -> None:
    cache = TokenInfoCache(TokenCacheSettings(ttl=300))
    cache.put("Atza|a", identity("alice"), NOW)
    assert cache.get("Atza|a", NOW + 299) == identity("alice")
    assert cache.get("Atza|a", NOW + 300) is None


def test_an_answer_is_never_reused_past_the_tokens_expiry() -> None:
    cache = TokenInfoCache(TokenCacheSettings(ttl=300))
    cache.put("Atza|a", identity("alice", expires_at=NOW + 60), NOW)
    assert cache.get("Atza|a", NOW + 59) is not None
    assert cache.get("Atza|a", NOW + 60) is None


def test_an_already_expired_answer_is_not_stored() -> None:
    cache = TokenInfoCache()
    cache.put("Atza|a", identity("alice", expires_at=NOW), NOW)
    assert len(cache) == 0


def test_the_least_recently_used_answer_is_evicted_first() -> None:
    cache = TokenInfoCache(TokenCacheSettings(max_entries=2))
    cache.put("Atza|a", identity("a"), NOW)
    cache.put("Atza|b", identity("b"), NOW)
    assert cache.get("Atza|a", NOW) is not None  # a is now the most recent
    cache.put("Atza|c", identity("c"), NOW)
    assert len(cache) == 2
    assert cache.get("Atza|b", NOW) is None
    assert cache.get("Atza|a", NOW) is not None and cache.get("Atza|c", NOW) is not None


def test_tokens_are_not_kept_in_memory() -> None:
    cache = TokenInfoCache()
    cache.put("Atza|secret-token-value", identity("alice"), NOW)
    assert all(b"secret-token-value" not in key for key in cache._entries)


def test_a_zero_size_cache_stores_nothing() -> None:
    cache = TokenInfoCache(TokenCacheSettings(max_entries=0))
    cache.put("Atza|a", identity("a"), NOW)
    assert cache.get("Atza|a", NOW) is None
