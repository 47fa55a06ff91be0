"""The keyring that seals web-identity session tokens, shared by every node through storage:
created once, rotated by age, reloaded when a token names a key this node has not seen.
Several `KeyringStore`s on one storage play the nodes of a cluster."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from dynafed.auth.principal import SessionContext
from dynafed.core.clock import FixedClock
from dynafed.errors import ExpiredTokenException, UnrecognizedClientException
from dynafed.storage.memory import MemoryStorage
from dynafed.storage.port import ReadView
from dynafed.sts.credentials import issue_credentials
from dynafed.sts.keyring_store import KEYRING_KIND, KeyringSettings, KeyringStore
from dynafed.sts.session_resolver import OpenedSessions, SessionTokenResolver
from dynafed.sts.session_token import MAX_SESSION_SECONDS

NOW = 1_800_000_000.0
SETTINGS = KeyringSettings(rotate_after=3_600, refresh_interval=300, unknown_key_interval=1)


class CountingStorage(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    @contextmanager
    def read(self) -> Iterator[ReadView]:  # type: ignore[override]
        self.reads += 1
        with super().read() as view:
            yield view


def session(expires_in: float = 900) -> SessionContext:
    return SessionContext(
        role_arn="arn:aws:iam::123456789012:role/GameRole",
        role_id="AROAEXAMPLE",
        session_name="alice",
        expires_at=NOW + expires_in,
    )


def node(storage: MemoryStorage, clock: FixedClock, seed: int) -> KeyringStore:
    return KeyringStore(storage, clock, random.Random(seed).randbytes, SETTINGS)


def resolver(store: KeyringStore) -> SessionTokenResolver:
    return SessionTokenResolver(store.current, store.containing)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def storage() -> CountingStorage:
    return CountingStorage()


def test_two_nodes_share_one_keyring_created_on_first_use(
    storage: CountingStorage, clock: FixedClock
) -> None:
    a, b = node(storage, clock, 1), node(storage, clock, 2)
    with storage.read() as view:
        assert view.list_documents(KEYRING_KIND) == []
    creds = issue_credentials(session(), a.current(), random.Random(3).randbytes)
    secret, principal = resolver(b).resolve(creds.access_key_id, creds.session_token, NOW)
    assert secret == creds.secret_access_key and principal.session is not None
    assert a.current().current.key_id == b.current().current.key_id
    with storage.read() as view:
        assert len(view.list_documents(KEYRING_KIND)) == 1


def test_nodes_starting_together_agree_on_one_keyring(
    storage: CountingStorage, clock: FixedClock
) -> None:
    nodes = [node(storage, clock, seed) for seed in range(8)]
    key_ids: list[str] = []
    barrier = threading.Barrier(len(nodes))

    def start(store: KeyringStore) -> None:
        barrier.wait()
        key_ids.append(store.current().current.key_id)

    threads = [threading.Thread(target=start, args=(n,)) for n in nodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(key_ids)) == 1


def test_rotation_by_age_keeps_old_tokens_working(
    storage: CountingStorage, clock: FixedClock
) -> None:
    a = node(storage, clock, 1)
    old = issue_credentials(session(expires_in=43_200), a.current(), random.Random(3).randbytes)
    first_key = a.current().current.key_id
    clock.advance(SETTINGS.rotate_after)
    rotated = a.current()
    assert rotated.current.key_id != first_key
    assert rotated.find(first_key) is not None
    _, principal = resolver(a).resolve(old.access_key_id, old.session_token, clock.now())
    assert principal.arn.endswith("/GameRole/alice")


def test_a_token_from_a_node_that_rotated_opens_on_a_node_that_has_not_reloaded(
    storage: CountingStorage, clock: FixedClock
) -> None:
    a = node(storage, clock, 1)
    # b's clock runs behind (or its settings differ): it would not refresh or rotate for days.
    lagging = KeyringSettings(rotate_after=10 * 86_400, refresh_interval=10 * 86_400)
    b = KeyringStore(storage, clock, random.Random(2).randbytes, lagging)
    b.current()
    clock.advance(SETTINGS.rotate_after)
    rotated = a.current()
    creds = issue_credentials(session(expires_in=43_200), rotated, random.Random(4).randbytes)
    reads = storage.reads
    _, principal = resolver(b).resolve(creds.access_key_id, creds.session_token, clock.now())
    assert principal.session is not None
    assert storage.reads - reads == 1  # one re-read, prompted by the unknown key id
    assert b.current().current.key_id == rotated.current.key_id


def test_unknown_key_ids_reload_at_most_once_per_interval(
    storage: CountingStorage, clock: FixedClock
) -> None:
    a, b = node(storage, clock, 1), node(storage, clock, 2)
    b.current()
    other = MemoryStorage()  # a keyring that storage never saw: a forged or foreign token
    forged = issue_credentials(
        session(), node(other, clock, 9).current(), random.Random(5).randbytes
    )
    reads = storage.reads
    for _ in range(20):
        with pytest.raises(UnrecognizedClientException):
            resolver(b).resolve(forged.access_key_id, forged.session_token, clock.now())
    assert storage.reads - reads == 1
    clock.advance(SETTINGS.unknown_key_interval)
    with pytest.raises(UnrecognizedClientException):
        resolver(b).resolve(forged.access_key_id, forged.session_token, clock.now())
    assert storage.reads - reads == 2
    assert a.current().current.key_id == b.current().current.key_id


def test_retired_keys_are_dropped_once_no_session_can_need_them(
    storage: CountingStorage, clock: FixedClock
) -> None:
    a = node(storage, clock, 1)
    first_key = a.current().current.key_id
    clock.advance(SETTINGS.rotate_after)
    a.current()
    assert SETTINGS.retain_retired_for >= MAX_SESSION_SECONDS
    clock.advance(SETTINGS.rotate_after)  # a rotation within the retention keeps the key
    assert a.current().find(first_key) is not None
    clock.advance(SETTINGS.retain_retired_for)  # the next rotation prunes keys retired long ago
    assert a.current().find(first_key) is None


def test_expired_and_tampered_tokens(storage: CountingStorage, clock: FixedClock) -> None:
    a = node(storage, clock, 1)
    creds = issue_credentials(session(expires_in=900), a.current(), random.Random(6).randbytes)
    other = issue_credentials(session(expires_in=900), a.current(), random.Random(7).randbytes)
    with pytest.raises(UnrecognizedClientException):  # another session's token
        resolver(a).resolve(creds.access_key_id, other.session_token, clock.now())
    flipped = creds.session_token[:-5] + ("A" if creds.session_token[-5] != "A" else "B")
    with pytest.raises(UnrecognizedClientException):
        resolver(a).resolve(creds.access_key_id, flipped + creds.session_token[-4:], clock.now())
    token = creds.session_token
    for at in range(len(token) - 3, len(token)):  # the last characters carry unused bits
        edited = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
        with pytest.raises(UnrecognizedClientException):
            resolver(a).resolve(creds.access_key_id, edited, clock.now())
    clock.advance(900)
    with pytest.raises(ExpiredTokenException, match="expired"):
        resolver(a).resolve(creds.access_key_id, creds.session_token, clock.now())


def test_an_opened_token_is_remembered_but_its_expiry_is_checked_every_time(
    storage: CountingStorage, clock: FixedClock
) -> None:
    a = node(storage, clock, 1)
    opened = OpenedSessions(capacity=2)
    cached = SessionTokenResolver(a.current, a.containing, opened)
    creds = issue_credentials(session(expires_in=900), a.current(), random.Random(8).randbytes)
    first = cached.resolve(creds.access_key_id, creds.session_token, clock.now())
    assert cached.resolve(creds.access_key_id, creds.session_token, clock.now()) == first
    assert len(opened) == 1
    other = issue_credentials(session(expires_in=900), a.current(), random.Random(9).randbytes)
    with pytest.raises(UnrecognizedClientException):  # the pair is the key: no cache hit
        cached.resolve(creds.access_key_id, other.session_token, clock.now())
    clock.advance(900)
    with pytest.raises(ExpiredTokenException):
        cached.resolve(creds.access_key_id, creds.session_token, clock.now())


def test_the_opened_token_cache_is_bounded(storage: CountingStorage, clock: FixedClock) -> None:
    a = node(storage, clock, 1)
    opened = OpenedSessions(capacity=3)
    cached = SessionTokenResolver(a.current, a.containing, opened)
    for seed in range(10):
        creds = issue_credentials(session(), a.current(), random.Random(seed).randbytes)
        cached.resolve(creds.access_key_id, creds.session_token, clock.now())
    assert len(opened) == 3
