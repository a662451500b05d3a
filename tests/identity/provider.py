"""A small, real OpenID Connect provider for the tests, on loopback.

A threaded http.server with its own RSA key: discovery, JWKS, authorize (it signs in whoever
the test names, at once), token (checks the client's secret, the redirect URI and the PKCE
verifier, hands out each code once) and userinfo. The ID tokens are RS256 JWTs signed with
PyJWT. A test can make it misbehave the ways a provider or an attacker could: sign with another
key, name another audience, send an expired token.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "mentoring-leave"
CLIENT_SECRET = "s3cret-for-tests"
KID = "test-key-1"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


# Made once per test run: a 2048-bit key takes a while.
KEY, OTHER_KEY = new_key(), new_key()


class Provider:
    def __init__(self) -> None:
        self.key = KEY
        self.other_key = OTHER_KEY
        self.claims: dict = {}  # who signs in next: sub, email, email_verified, ...
        self.sign_with_other_key = False
        self.audience: str | None = None  # None: our client id
        self.expires_in = 300  # seconds; negative: already expired
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.token_requests = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Provider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- What the endpoints answer -------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}

    def id_token(self, claims: dict, nonce: str | None) -> str:
        now = int(time.time())
        payload = {
            **claims,
            "iss": self.issuer,
            "aud": self.audience or CLIENT_ID,
            "iat": now,
            "exp": now + self.expires_in,
        }
        if nonce:
            payload["nonce"] = nonce
        key = self.other_key if self.sign_with_other_key else self.key
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": KID})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                return None

            def _json(self, body: dict, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._json(provider.discovery())
                if url.path == "/jwks":
                    return self._json(provider.jwks())
                if url.path == "/authorize":
                    return self._authorize(query)
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider.access_tokens.get(token)
                    if claims is None:
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json(claims)
                return self._json({"error": "not_found"}, 404)

            def _authorize(self, query: dict) -> None:
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    return self._json({"error": "invalid_request"}, 400)
                if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
                    return self._json({"error": "invalid_request", "detail": "PKCE needed"}, 400)
                code = secrets.token_urlsafe(24)
                provider.codes[code] = {
                    "claims": dict(provider.claims),
                    "nonce": query.get("nonce"),
                    "redirect_uri": query["redirect_uri"],
                    "challenge": query["code_challenge"],
                }
                target = (
                    query["redirect_uri"]
                    + "?"
                    + urlencode({"code": code, "state": query.get("state", "")})
                )
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                if urlparse(self.path).path != "/token":
                    return self._json({"error": "not_found"}, 404)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                provider.token_requests += 1
                if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                    return self._json({"error": "invalid_client"}, 401)
                grant = provider.codes.pop(form.get("code", ""), None)  # a code works once
                if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._json({"error": "invalid_grant"}, 400)
                verifier = form.get("code_verifier", "")
                digest = hashlib.sha256(verifier.encode()).digest()
                challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                if challenge != grant["challenge"]:
                    return self._json({"error": "invalid_grant", "detail": "PKCE failed"}, 400)
                access = secrets.token_urlsafe(24)
                provider.access_tokens[access] = grant["claims"]
                return self._json(
                    {
                        "access_token": access,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider.id_token(grant["claims"], grant["nonce"]),
                    }
                )

        return Handler
