"""Open Badges 3.0: the certificate as a signed OpenBadgeCredential, and the revocation list.

Credentials are signed as VC-JWT (the Open Badges 3.0 "JSON Web Token Proof Format"): the
JOSE header carries only `alg` (RS256), `kid` (the URL of the public JWK) and `typ` ("JWT");
the payload carries `iss`, `jti`, `nbf`, `sub` and the credential itself in `vc`. Revocation
is published as a Bitstring Status List credential, signed the same way with the same key,
so that a verifier can tell the list is the issuer's before it trusts a bit of it.
"""

import base64
import gzip
import uuid
from datetime import UTC, datetime

import jwt
from flask import current_app
from flask_babel import gettext as _

from learning.certificates import keys
from learning.certificates.models import Certificate
from learning.certificates.services import format_code, revoked_indices
from learning.certificates.status import STATUS_LIST_SIZE

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# A fixed namespace, so that the same certificate always gets the same urn:uuid.
CERTIFICATE_NAMESPACE = uuid.UUID("6f0b8e0c-5d3c-4f7e-9a51-3c2f3c6b1d20")


def _base_url() -> str:
    return current_app.config["BASE_URL"]


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_id() -> str:
    """The issuer profile's URL: the `iss` of every credential."""
    return f"{_base_url()}/issuer"


def status_list_url() -> str:
    """Where the revocation status list credential is published."""
    return f"{_base_url()}/certificates/status/revocation"


def verify_url(certificate: Certificate) -> str:
    """The public page that verifies the certificate (printed on it, and in its QR code)."""
    return f"{_base_url()}/verify/{certificate.code}"


def credential_id(certificate: Certificate) -> str:
    """The credential's id: a urn:uuid derived from the code, the same on every download."""
    return f"urn:uuid:{uuid.uuid5(CERTIFICATE_NAMESPACE, certificate.code)}"


def subject_id(certificate: Certificate) -> str:
    """The recipient's identifier in the credential: opaque, stable per person and platform."""
    name = f"{_base_url()}/users/{certificate.user_id}"
    return f"urn:uuid:{uuid.uuid5(CERTIFICATE_NAMESPACE, name)}"


def issuer_profile() -> dict:
    """The issuer as an Open Badges Profile, with the key that signs its credentials."""
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": current_app.config["CERTIFICATE_ISSUER_NAME"],
        "url": _base_url() + "/",
        "description": _("The learning platform that issues certificates of completion for "
                         "its courses."),
        "verificationMethod": [{
            "id": keys.key_id(),
            "type": "JsonWebKey",
            "controller": issuer_id(),
            "publicKeyJwk": keys.public_jwk(),
        }],
    }


def credential(certificate: Certificate) -> dict:
    """The certificate as an OpenBadgeCredential (unsigned)."""
    issuers = " and ".join(certificate.issuers)
    course_url = f"{_base_url()}/courses/{certificate.course.slug}"
    description = _("Completed every required part of the course %(course)s (%(hours)s hours "
                    "of learning).", course=certificate.course_title,
                    hours=f"{certificate.learning_hours:g}")
    if issuers:
        description += " " + _("Offered by %(issuers)s.", issuers=issuers)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer_id(),
            "type": ["Profile"],
            "name": current_app.config["CERTIFICATE_ISSUER_NAME"],
            "url": _base_url() + "/",
        },
        "validFrom": _timestamp(certificate.issued_at),
        "name": _("Certificate of completion: %(course)s", course=certificate.course_title),
        "description": description,
        "credentialSubject": {
            "id": subject_id(certificate),
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": certificate.recipient_name,
            }],
            "activityEndDate": certificate.completed_on.isoformat(),
            "achievement": {
                "id": course_url,
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": certificate.course_title,
                "description": description,
                "criteria": {
                    "id": course_url,
                    "narrative": _("Complete every required recording, reading and "
                                   "self-assessment of the course's modules."),
                },
                "humanCode": format_code(certificate.code),
            },
        },
        "credentialStatus": {
            "id": f"{status_list_url()}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": status_list_url(),
        },
    }


def _sign(claims: dict) -> str:
    """A Compact JWS of the claims (VC-JWT, RS256), naming the issuer's key."""
    return jwt.encode(claims, keys.private_key(), algorithm="RS256",
                      headers={"kid": keys.key_id(), "typ": "JWT"})


def signed_credential(certificate: Certificate) -> str:
    """The credential signed as a Compact JWS (VC-JWT, RS256)."""
    vc = credential(certificate)
    return _sign({
        "iss": vc["issuer"]["id"],
        "jti": vc["id"],
        "nbf": int(certificate.issued_at.timestamp()),
        "sub": vc["credentialSubject"]["id"],
        "vc": vc,
    })


def encode_bitstring(indices: set[int], size: int = STATUS_LIST_SIZE) -> str:
    """GZIP and multibase-base64url ("u") encode a bitstring with the given bits set.

    Bit 0 is the left-most (most significant) bit of the first byte, as the Bitstring Status
    List specification orders them. The gzip header carries no time, so the same revocations
    always give the same list.
    """
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def decode_bitstring(encoded: str) -> bytes:
    """The bits of an encoded list (the inverse of encode_bitstring), for verifiers and tests."""
    if not encoded.startswith("u"):
        raise ValueError("not multibase base64url")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def status_list_credential(now: datetime | None = None) -> dict:
    """The revocation BitstringStatusListCredential: bit i set when certificate i is revoked.

    It is valid from `now` (default: the current time), when the revocations were read.
    """
    return {
        "@context": [VC_CONTEXT],
        "id": status_list_url(),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": _timestamp(now or datetime.now(UTC)),
        "credentialSubject": {
            "id": f"{status_list_url()}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(revoked_indices()),
        },
    }


def signed_status_list_credential() -> str:
    """The revocation status list as a VC-JWT, signed like the certificates' credentials."""
    now = datetime.now(UTC).replace(microsecond=0)
    vc = status_list_credential(now)
    return _sign({
        "iss": vc["issuer"],
        "jti": vc["id"],
        "nbf": int(now.timestamp()),
        "iat": int(now.timestamp()),
        "sub": vc["credentialSubject"]["id"],
        "vc": vc,
    })
