"""AssumeRoleWithWebIdentity exchanges per second with a warm JWKS cache.

Two figures:
- `http`: a real `dynafed serve` on loopback (embedded SQLite), answering unsigned
  AssumeRoleWithWebIdentity form POSTs from keep-alive client threads. The IdP is a tiny
  in-process OpenID Provider (discovery + JWKS over HTTP); its keys are fetched once, on the
  first exchange, so the measured exchanges verify against the cached JWKS.
- `in-process`: the same exchange through `StsService.handle` without HTTP (parse, verify the
  RS256 token, read provider and role, evaluate the trust policy, seal the session token).

The same token is replayed (STS does not make ID tokens single-use). A bounded client loop,
not a load generator: run it on an otherwise idle machine and read the ratios, not the
absolute numbers, when comparing machines.

    .venv/bin/python benchmarks/sts_exchanges.py [--seconds 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3
from joserfc import jwt
from joserfc.jwk import RSAKey

REPO = Path(__file__).resolve().parent.parent
ACCESS_KEY = "AKIABENCHMARKADMIN00"
SECRET_KEY = "benchmark-admin-secret-key-000000000000"
REGION = "us-east-1"
CLIENT_ID = "bench-web"


class MiniIdp:
    """An OpenID Provider reduced to what STS reads: discovery and JWKS, plus a signer."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "bench-rsa"}, private=True)
        self.jwks_fetches = 0
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.endswith("/.well-known/openid-configuration"):
                    body = {"issuer": idp.issuer, "jwks_uri": idp.issuer + "/jwks"}
                elif self.path.endswith("/jwks"):
                    idp.jwks_fetches += 1
                    body = {"keys": [{**idp.key.as_dict(private=False), "use": "sig"}]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Cache-Control", "max-age=3600")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}/idp"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def token(self, sub: str, ttl: int = 3600) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": sub, "iat": now, "exp": now + ttl}
        return jwt.encode({"alg": "RS256", "kid": "bench-rsa"}, claims, self.key)

    @property
    def provider_key(self) -> str:
        return self.issuer.removeprefix("http://")

    def stop(self) -> None:
        self._server.shutdown()


@dataclass
class Dynafed:
    endpoint: str
    process: subprocess.Popen[str]

    @property
    def host_port(self) -> tuple[str, int]:
        host, port = self.endpoint.removeprefix("http://").rsplit(":", 1)
        return host, int(port)

    def client(self, service: str, **credentials: str) -> Any:
        return boto3.session.Session(
            aws_access_key_id=credentials.get("access_key", ACCESS_KEY),
            aws_secret_access_key=credentials.get("secret_key", SECRET_KEY),
            aws_session_token=credentials.get("session_token"),
            region_name=REGION,
        ).client(service, endpoint_url=self.endpoint)


@contextmanager
def running_dynafed(*extra: str) -> Iterator[Dynafed]:
    with tempfile.TemporaryDirectory(prefix="dynafed-bench-") as data_dir:
        env = {
            **os.environ,
            "DYNAFED_ADMIN_ACCESS_KEY_ID": ACCESS_KEY,
            "DYNAFED_ADMIN_SECRET_ACCESS_KEY": SECRET_KEY,
            "PYTHONUNBUFFERED": "1",
        }
        # One process: `serve` defaults to a worker per core.
        command = [sys.executable, "-m", "dynafed.cli", "serve", "--workers", "1", "--port", "0"]
        process = subprocess.Popen(
            [*command, "--data-dir", data_dir, "--region", REGION, *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=REPO,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if match is None:
            process.kill()
            raise RuntimeError(f"dynafed did not start: {line}")
        threading.Thread(target=lambda: [None for _ in process.stdout or ()], daemon=True).start()
        try:
            yield Dynafed(match.group(1), process)
        finally:
            process.terminate()
            process.wait(15)


def register_game_role(dynafed: Dynafed, idp: MiniIdp, policy: dict[str, Any] | None) -> str:
    """The IdP as an IAM OIDC provider, and a role its users may assume."""
    iam = dynafed.client("iam")
    provider = iam.create_open_id_connect_provider(Url=idp.issuer, ClientIDList=[CLIENT_ID])
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider["OpenIDConnectProviderArn"]},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{idp.provider_key}:aud": CLIENT_ID}},
            }
        ],
    }
    arn: str = iam.create_role(RoleName="GameRole", AssumeRolePolicyDocument=json.dumps(trust))[
        "Role"
    ]["Arn"]
    if policy is not None:
        iam.put_role_policy(
            RoleName="GameRole", PolicyName="GameRolePolicy", PolicyDocument=json.dumps(policy)
        )
    return arn


def replay(
    host_port: tuple[str, int],
    requests: list[tuple[str, bytes, dict[str, str]]],
    seconds: float,
    threads: int,
) -> tuple[float, int]:
    """(successful requests per second, failures) replaying `requests` round-robin over
    keep-alive connections, one per thread."""
    ok = [0] * threads
    failed = [0] * threads
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(*host_port, timeout=30)
        n = index
        while time.perf_counter() < deadline:
            path, body, headers = requests[n % len(requests)]
            connection.request("POST", path, body, headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                ok[index] += 1
            else:
                failed[index] += 1
            n += threads
        connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return sum(ok) / (time.perf_counter() - started), sum(failed)


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux /proc): a cost per request that other
    processes competing for the cores do not inflate the way they inflate wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def exchange_request(role_arn: str, token: str) -> tuple[str, bytes, dict[str, str]]:
    body = urlencode(
        {
            "Action": "AssumeRoleWithWebIdentity",
            "Version": "2011-06-15",
            "RoleArn": role_arn,
            "RoleSessionName": "bench",
            "WebIdentityToken": token,
        }
    ).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    return "/", body, headers


def in_process_rate(seconds: float) -> float:
    """Exchanges per second through `StsService.handle` (no HTTP), warm JWKS cache."""
    sys.path.insert(0, str(REPO))
    from tests.unit.sts.web_identity_harness import Harness, web_identity_trust

    harness = Harness()
    harness.register_provider()
    role_arn = harness.create_role("GameRole", web_identity_trust())
    params = {
        "Action": "AssumeRoleWithWebIdentity",
        "RoleArn": role_arn,
        "RoleSessionName": "bench",
        "WebIdentityToken": harness.token(),
    }
    harness.sts.handle("AssumeRoleWithWebIdentity", params, None)  # warms the JWKS cache
    return rate(seconds, lambda: harness.sts.handle("AssumeRoleWithWebIdentity", params, None))


def rate(seconds: float, operation: Callable[[], object]) -> float:
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(20):
            operation()
        done += 20
    return done / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    idp = MiniIdp()
    try:
        with running_dynafed() as dynafed:
            role_arn = register_game_role(dynafed, idp, None)
            request = exchange_request(role_arn, idp.token("bench-user-" + secrets.token_hex(4)))
            warm, failures = replay(dynafed.host_port, [request], 0.5, 1)
            assert failures == 0 and warm > 0, "the warm-up exchanges failed"
            fetches = idp.jwks_fetches
            cpu_before = server_cpu_seconds(dynafed.process.pid)
            per_second, failures = replay(dynafed.host_port, [request], args.seconds, args.threads)
            cpu_ms = 1e3 * (server_cpu_seconds(dynafed.process.pid) - cpu_before)
            assert idp.jwks_fetches == fetches, "the JWKS was fetched again while measuring"
        exchanges = per_second * args.seconds
        print(
            f"http        {per_second:9.0f} exchanges/s  ({args.threads} client threads, "
            f"{failures} failures; server CPU {cpu_ms / exchanges:.2f} ms per exchange, i.e. "
            f"{1e3 * exchanges / cpu_ms:.0f} exchanges per CPU-second; JWKS fetched "
            f"{fetches}x before measuring, 0x during)"
        )
    finally:
        idp.stop()
    print(f"in-process  {in_process_rate(args.seconds):9.0f} exchanges/s  (StsService.handle)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
