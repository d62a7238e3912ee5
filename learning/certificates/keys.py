"""The issuer's signing key: created on first use, kept in the instance folder, published.

The private key is an RSA key (3072 bits) in PEM under the instance folder, readable by its
owner only; `ISSUER_KEY_PATH` moves it. Its public half is published as a JWK Set, and its
`kid` is the URL of the single JWK, so that a verifier can dereference it as Open Badges 3.0
asks.
"""

import base64
import hashlib
import json
import os
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app

from learning import caches

KEY_BITS = 3072
KEY_FILE = "issuer-key.pem"


def key_path() -> Path:
    """Where the issuer key lives: ISSUER_KEY_PATH, else the instance folder."""
    configured = current_app.config.get("ISSUER_KEY_PATH")
    if configured:
        return Path(configured)
    return Path(current_app.config.get("INSTANCE_DIR") or current_app.instance_path) / KEY_FILE


def generate_key() -> rsa.RSAPrivateKey:
    """A new issuer key (RSA, KEY_BITS bits)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def _create(path: Path) -> None:
    key = generate_key()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: when two processes start at once, one writes the key and the other reads it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def private_key() -> rsa.RSAPrivateKey:
    """The issuer's private key, created on first use, kept per process (`learning.caches`)."""
    path = key_path()

    def load() -> rsa.RSAPrivateKey:
        if not path.exists():
            _create(path)
        return serialization.load_pem_private_key(path.read_bytes(), password=None)

    return caches.signing_key(str(path), load)


def thumbprint(public_jwk: dict) -> str:
    """The RFC 7638 thumbprint of an RSA JWK: a stable name for the key."""
    members = json.dumps({k: public_jwk[k] for k in ("e", "kty", "n")},
                         separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(members.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def key_id() -> str:
    """The `kid`: the URL at which the public JWK can be fetched."""
    return f"{current_app.config['BASE_URL']}/issuer/keys/{thumbprint(_bare_jwk())}"


def _bare_jwk() -> dict:
    return json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key().public_key()))


def public_jwk() -> dict:
    """The public key as a JWK, never with private members."""
    jwk = {k: v for k, v in _bare_jwk().items() if k in ("kty", "n", "e")}
    jwk.update(kid=key_id(), use="sig", alg="RS256")
    return jwk


def jwks() -> dict:
    """The JWK Set verifiers fetch."""
    return {"keys": [public_jwk()]}
