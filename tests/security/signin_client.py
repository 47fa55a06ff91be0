"""Posting the built-in user pool's sign-in form from a chosen loopback address.

Every address in 127.0.0.0/8 reaches a server bound to 127.0.0.1 on Linux, and the server
sees the address the client bound to: a safe way to play several clients (an attacker, a
victim) without trusting any forwarded-for header."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from tests.e2e.userpool_flow import CALLBACK, UserPoolSite, pkce_pair

FORM = {"content-type": "application/x-www-form-urlencoded"}


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: list[tuple[str, str]]

    def normalised(self, username: str) -> tuple[int, bytes, list[tuple[str, str]]]:
        """What must not differ between two user names: everything but the name the page
        echoes (and so the length), and the date."""
        varying = ("date", "content-length")
        headers = [(k.lower(), v) for k, v in self.headers if k.lower() not in varying]
        return self.status, self.body.replace(username.encode(), b"USER"), headers


def loopback(n: int) -> str:
    """The n-th client address, 127.0.<1..>.<1..200>, never the server's 127.0.0.1."""
    return f"127.0.{1 + n // 200}.{1 + n % 200}"


def connect(site: UserPoolSite, source: str) -> http.client.HTTPConnection:
    url = urlsplit(site.server.endpoint)
    assert url.hostname is not None and url.port is not None
    return http.client.HTTPConnection(
        url.hostname, url.port, timeout=120, source_address=(source, 0)
    )


def sign_in_on(
    connection: http.client.HTTPConnection, site: UserPoolSite, username: str, password: str
) -> Answer:
    form = {
        "client_id": site.client_id,
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "openid",
        "state": "xyz",
        "code_challenge": pkce_pair()[1],
        "code_challenge_method": "S256",
        "username": username,
        "password": password,
    }
    path = urlsplit(f"{site.issuer}/oauth2/authorize").path
    # The challenge differs per request and rides in a hidden field: keep the body stable.
    connection.request("POST", path, body=urlencode(form), headers=FORM)
    response = connection.getresponse()
    body = response.read().replace(form["code_challenge"].encode(), b"CHALLENGE")
    return Answer(response.status, body, response.getheaders())


def sign_in_from(source: str, site: UserPoolSite, username: str, password: str) -> Answer:
    connection = connect(site, source)
    try:
        return sign_in_on(connection, site, username, password)
    finally:
        connection.close()
