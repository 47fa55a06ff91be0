"""Server settings: everything `dynafed serve` can be told."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the identity modules load only when the server is built
    from dynafed.server.identity_settings import IdentitySettings

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path(".dynafed")
    storage_url: str | None = None
    """None means the embedded SQLite database inside `data_dir`."""
    account_id: str = DEFAULT_ACCOUNT_ID
    region: str = DEFAULT_REGION
    """The region of requests that name none (`--region`); every request signed for a
    region is served in that region."""
    regions: tuple[str, ...] | None = None
    """The only regions served (`--regions`); None: every region named like AWS's."""
    worker_threads: int = 32
    workers: int = 1
    """Server processes sharing the listening socket (server/workers.py)."""
    max_body_bytes: int = 16 * 1024 * 1024 + 64 * 1024
    audit_log: str | None = None
    """None: off; "-": stdout; anything else: a file path."""
    ttl_sweep_interval: float = 60.0
    """Seconds between sweeps that delete items whose DynamoDB TTL has passed."""
    stream_shard_records: int | None = None
    """Roll a DynamoDB stream's shard over after this many records, besides every 4 hours
    (`--stream-shard-records`; docs/streams.md). None: by age only."""
    test_clock_file: Path | None = None
    """For end-to-end tests of Streams' and TTL's time limits only (`--test-clock-file`;
    server/offset_clock.py): None, the system clock everywhere."""
    stream_lanes: int | None = None
    """Open shards (lanes) of each DynamoDB stream enabled from now on, each with its own
    sequence counter (`--stream-lanes`; docs/streams.md). None: by storage, 1 on SQLite and
    memory (one writer: lanes would buy nothing), `STREAM_LANES_ON_A_SERVER_DATABASE` on
    PostgreSQL (writes to different partition keys then commit side by side)."""
    identity: IdentitySettings | None = None
    """Identity providers (`--identity-config`): built-in web identity endpoints, SAML
    checks. None: every default (docs/identity-providers.md)."""
    public_url: str | None = None
    """The URL clients reach this server at: the issuer of the built-in user pools and of
    identity-pool OpenID tokens. None: the bound address (`http://host:port`)."""
    demo: bool = False
    """Seed the GameScores demo (`--demo`): players, table, role, identity pool, web app."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses and networks (`10.0.0.0/8`) of the proxies whose `X-Forwarded-For` and
    `X-Forwarded-Proto` are believed for `aws:SourceIp` and `aws:SecureTransport`
    (`--trusted-proxies`). Empty: those headers are ignored, whoever sends them."""
    read_timeout: float = 10.0
    """Seconds a connection has to send a request's head, and the longest pause in a body
    (server/http_limits.py)."""
    keep_alive_timeout: int = 30
    """Seconds an idle keep-alive connection stays open."""
    max_connections: int = 1024
    """Open connections per server process; more are answered 503 and closed."""
    max_request_line_bytes: int = 16 * 1024
    max_header_bytes: int = 16 * 1024
    max_head_bytes: int = 64 * 1024
    """A request's URL, any one header line, and its whole head (server/http_limits.py)."""
    signin_failures_per_minute: int = 20
    """Wrong passwords one client address may send to the built-in user pools: this many at
    once, then this many more per minute (`--signin-failures-per-minute`)."""
    signin_threads: int = 2
    """Threads that check sign-in passwords, apart from the request workers."""
    signin_queue: int = 32
    """Sign-ins that may wait for those threads; beyond them the answer is 429 at once."""
