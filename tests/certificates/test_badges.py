"""Open Badges 3.0: the credential's required properties, its signature, its revocation bit.

The required properties are those of 1EdTech's published AchievementCredential JSON schema
(ob_v3p0_achievementcredential_schema.json, as stored in 1EdTech/openbadges-specification,
docs/schema/achievementcredential.json). That stored version predates the move to the
Verifiable Credentials 2.0 data model and lists `issuanceDate` at the top level; Open
Badges 3.0 on VC 2.0 (the context-3.0.3 this credential uses) names the same date
`validFrom`, which replaces it below. Everything else is as the schema lists it.
"""

import json
import os
import stat
from datetime import datetime
from pathlib import Path

import jsonschema
import jwt
import pytest

from learning.certificates import badges, services
from learning.database import db
from tests.certificates.conftest import COURSE_TITLE, NAME, PARTICIPANT
from tests.conftest import DEFAULT_PASSWORD

REQUIRED = {
    "AchievementCredential": ["@context", "id", "type", "name", "credentialSubject", "issuer",
                              "validFrom"],
    "AchievementSubject": ["type", "achievement"],
    "Achievement": ["id", "type", "criteria", "description", "name"],
    "Profile": ["id", "type"],
    "CredentialStatus": ["id", "type"],
    "IdentityObject": ["type", "hashed", "identityHash", "identityType"],
}
JOSE_HEADERS_ALLOWED = {"alg", "kid", "jwk", "typ"}
JWT_CLAIMS_REQUIRED = ["iss", "jti", "nbf", "sub", "vc"]

SCHEMA = {
    "type": "object",
    "required": REQUIRED["AchievementCredential"],
    "properties": {
        "@context": {"type": "array", "minItems": 1},
        "type": {"type": "array", "allOf": [{"contains": {"const": "VerifiableCredential"}},
                                            {"contains": {"const": "OpenBadgeCredential"}}]},
        "issuer": {"type": "object", "required": REQUIRED["Profile"],
                   "properties": {"type": {"contains": {"const": "Profile"}}}},
        "validFrom": {"type": "string",
                      "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$"},
        "credentialStatus": {"type": "object", "required": REQUIRED["CredentialStatus"]},
        "credentialSubject": {
            "type": "object",
            "required": REQUIRED["AchievementSubject"],
            "anyOf": [{"required": ["id"]}, {"required": ["identifier"]}],
            "properties": {
                "type": {"contains": {"const": "AchievementSubject"}},
                "identifier": {"type": "array", "items": {
                    "type": "object", "required": REQUIRED["IdentityObject"]}},
                "achievement": {
                    "type": "object",
                    "required": REQUIRED["Achievement"],
                    "properties": {"type": {"contains": {"const": "Achievement"}},
                                   "criteria": {"type": "object",
                                                "anyOf": [{"required": ["narrative"]},
                                                          {"required": ["id"]}]}},
                },
            },
        },
    },
}


@pytest.fixture
def token(client, auth, certificate):
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    response = client.get(f"/certificates/{certificate.code}/open-badge.jwt")
    auth.logout()
    return response.get_data(as_text=True)


def verified_claims(client, token):
    """Verify the JWT as an outside verifier would: the key from the kid, fetched over HTTP."""
    header = jwt.get_unverified_header(token)
    path = header["kid"].removeprefix("http://localhost")
    jwk = client.get(path).get_json()
    return jwt.decode(token, key=jwt.PyJWK(jwk), algorithms=["RS256"],
                      options={"verify_aud": False})


def test_the_credential_has_every_required_property(client, token):
    vc = verified_claims(client, token)["vc"]
    jsonschema.validate(vc, SCHEMA)
    assert vc["@context"] == ["https://www.w3.org/ns/credentials/v2",
                              "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["type"] == ["Profile"]
    assert vc["issuer"]["id"] == "http://localhost/issuer"
    subject = vc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"][0]["identityHash"] == NAME
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == COURSE_TITLE
    assert achievement["criteria"]["narrative"]


def test_a_credential_missing_a_required_property_would_fail_the_check(client, token):
    vc = verified_claims(client, token)["vc"]
    for name in REQUIRED["AchievementCredential"]:
        broken = {k: v for k, v in vc.items() if k != name}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, SCHEMA)


def test_the_signature_verifies_with_the_published_key(client, token, certificate):
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert header["typ"] == "JWT"
    assert set(header) <= JOSE_HEADERS_ALLOWED
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert [key["kid"] for key in jwks["keys"]] == [header["kid"]]
    for key in jwks["keys"]:
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
        assert key["kty"] == "RSA"
        assert jwt.PyJWK(key).key.key_size >= 2048
    claims = jwt.decode(token, key=jwt.PyJWK(jwks["keys"][0]), algorithms=["RS256"])
    for name in JWT_CLAIMS_REQUIRED:
        assert name in claims
    vc = claims["vc"]
    assert claims["iss"] == vc["issuer"]["id"]
    assert claims["jti"] == vc["id"]
    assert claims["sub"] == vc["credentialSubject"]["id"]
    assert claims["nbf"] == int(datetime.fromisoformat(vc["validFrom"]).timestamp())
    assert vc["id"].startswith("urn:uuid:")


def test_a_tampered_credential_fails_verification(client, token):
    header, payload, signature = token.split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["vc"]["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged = ".".join([header, jwt.utils.base64url_encode(
        json.dumps(claims).encode()).decode(), signature])
    with pytest.raises(jwt.InvalidSignatureError):
        verified_claims(client, forged)


def test_the_credential_is_the_same_on_every_download(client, auth, certificate):
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    first = client.get(f"/certificates/{certificate.code}/open-badge.jwt").get_data(as_text=True)
    second = client.get(f"/certificates/{certificate.code}/open-badge.jwt").get_data(as_text=True)
    assert first == second


def test_the_issuer_profile_references_the_key(client, token):
    profile = client.get("/issuer").get_json()
    assert profile["id"] == "http://localhost/issuer"
    assert profile["type"] == ["Profile"] and profile["name"]
    kid = jwt.get_unverified_header(token)["kid"]
    assert profile["verificationMethod"][0]["id"] == kid
    assert profile["verificationMethod"][0]["publicKeyJwk"]["kid"] == kid


def test_the_key_is_created_once_and_kept_private(app, token, client):
    path = Path(app.config["INSTANCE_DIR"]) / "issuer-key.pem"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    before = path.read_bytes()
    client.get("/.well-known/jwks.json")
    assert path.read_bytes() == before


def test_an_unknown_key_id_is_404(client, world):
    assert client.get("/issuer/keys/nope").status_code == 404


def status_bit(client, credential):
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert isinstance(status["statusListIndex"], str)
    listing = client.get(status["statusListCredential"].removeprefix("http://localhost"))
    assert listing.status_code == 200
    published = verified_claims(client, listing.get_data(as_text=True))["vc"]
    assert "BitstringStatusListCredential" in published["type"]
    subject = published["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    bits = badges.decode_bitstring(subject["encodedList"])
    assert len(bits) * 8 >= 131_072
    index = int(status["statusListIndex"])
    return (bits[index // 8] >> (7 - index % 8)) & 1, bits


def test_the_status_bit_flips_on_revocation_and_back(client, world, token, certificate):
    vc = verified_claims(client, token)["vc"]
    bit, bits = status_bit(client, vc)
    assert bit == 0 and not any(bits)
    services.revoke(certificate, world.facilitator, "Fraud")
    db.session.commit()
    bit, bits = status_bit(client, vc)
    assert bit == 1 and sum(bin(b).count("1") for b in bits) == 1
    services.reissue(certificate, world.admin, "Cleared")
    db.session.commit()
    assert status_bit(client, vc)[0] == 0


def test_the_status_list_is_served_signed_by_the_issuer_for_five_minutes(
        client, world, certificate):
    response = client.get("/certificates/status/revocation")
    assert response.status_code == 200
    assert response.mimetype == "application/jwt"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    token = response.get_data(as_text=True)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert header["typ"] == "JWT"
    assert set(header) <= JOSE_HEADERS_ALLOWED
    # The key the issuer profile publishes, not one the list could bring with it.
    profile = client.get("/issuer").get_json()
    (method,) = profile["verificationMethod"]
    assert header["kid"] == method["id"]
    claims = jwt.decode(token, key=jwt.PyJWK(method["publicKeyJwk"]), algorithms=["RS256"])
    vc = claims["vc"]
    assert claims["iss"] == vc["issuer"] == profile["id"] == "http://localhost/issuer"
    assert claims["jti"] == vc["id"] == "http://localhost/certificates/status/revocation"
    assert claims["sub"] == vc["credentialSubject"]["id"]
    assert claims["nbf"] == int(datetime.fromisoformat(vc["validFrom"]).timestamp())
    assert vc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]

    services.revoke(certificate, world.facilitator, "Fraud")
    db.session.commit()
    token = client.get("/certificates/status/revocation").get_data(as_text=True)
    vc = jwt.decode(token, key=jwt.PyJWK(method["publicKeyJwk"]), algorithms=["RS256"])["vc"]
    bits = badges.decode_bitstring(vc["credentialSubject"]["encodedList"])
    index = certificate.status_index
    assert (bits[index // 8] >> (7 - index % 8)) & 1 == 1


def test_a_tampered_status_list_fails_verification(client, world, certificate):
    token = client.get("/certificates/status/revocation").get_data(as_text=True)
    header, payload, signature = token.split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["vc"]["credentialSubject"]["encodedList"] = badges.encode_bitstring(
        {certificate.status_index})
    forged = ".".join([header, jwt.utils.base64url_encode(
        json.dumps(claims).encode()).decode(), signature])
    with pytest.raises(jwt.InvalidSignatureError):
        verified_claims(client, forged)


def test_the_bitstring_orders_bits_from_the_left():
    assert badges.decode_bitstring(badges.encode_bitstring({0, 9}, size=16)) == bytes(
        [0b10000000, 0b01000000])
