"""The sign-in page: server-rendered HTML, no scripts, no external assets.

Every value is HTML-escaped; the authorization request rides along in hidden fields, so
no server-side session is needed between showing the form and checking the password.
Headers forbid framing (clickjacking) and caching, and the CSP allows nothing but our
inline style.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from dynafed.userpool.web import NO_STORE, IdpResponse

PAGE_HEADERS = [
    ("content-type", "text/html; charset=utf-8"),
    (
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
        "base-uri 'none'",
    ),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    *NO_STORE,
]

_STYLE = """
body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0;display:flex;
justify-content:center;align-items:center;min-height:100vh}
main{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 2px 12px #0002;
width:20rem}
h1{font-size:1.3rem;margin:0 0 .3rem}p.pool{color:#555;margin:0 0 1.2rem;font-size:.9rem}
label{display:block;margin:.8rem 0 .3rem;font-weight:600}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.55rem;
border:1px solid #bbb;border-radius:4px;font-size:1rem}
button{margin-top:1.3rem;width:100%;padding:.6rem;background:#1d4ed8;color:#fff;border:0;
border-radius:4px;font-size:1rem;cursor:pointer}
.error{background:#fee2e2;color:#991b1b;padding:.6rem;border-radius:4px;margin-bottom:.5rem}
"""


def signin_page(
    pool_name: str,
    client_name: str,
    action: str,
    hidden: Mapping[str, str],
    username: str = "",
    error: str | None = None,
    status: int = 200,
) -> IdpResponse:
    fields = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in hidden.items()
    )
    error_html = (
        f'<div class="error" role="alert" id="error">{escape(error)}</div>' if error else ""
    )
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · {escape(pool_name)}</title><link rel="icon" href="data:,">
<style>{_STYLE}</style></head>
<body><main><h1>Sign in</h1><p class="pool">to {escape(client_name)} · {escape(pool_name)}</p>
{error_html}<form method="post" action="{escape(action)}">{fields}
<label for="username">Username</label>
<input type="text" id="username" name="username" value="{escape(username)}"
 autocomplete="username" autofocus required>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" id="signin">Sign in</button></form></main></body></html>
"""
    return IdpResponse(status, body.encode(), list(PAGE_HEADERS))


def error_page(description: str, status: int = 400) -> IdpResponse:
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title>
<link rel="icon" href="data:,">
<style>{_STYLE}</style></head><body><main><h1>Cannot sign in</h1>
<div class="error" role="alert" id="error">{escape(description)}</div></main></body></html>
"""
    return IdpResponse(status, body.encode(), list(PAGE_HEADERS))


BUSY = "Too many sign-ins are in progress. Try again in a moment."
BUSY_RETRY_SECONDS = 1


def busy_page() -> IdpResponse:
    """The answer when the sign-in threads and their queue are full: quick, and the same
    for everyone, since nothing about the request was looked at."""
    page = error_page(BUSY, 429)
    page.headers.append(("retry-after", str(BUSY_RETRY_SECONDS)))
    return page
