"""Positions in the revocation status list: handed out in constant time, never twice at once.

Each certificate has a bit in the published status list (`Certificate.status_index`). A
position is found without reading the positions already taken:

- A counter gives the next number: on PostgreSQL the sequence `certificate_status_number`
  (`nextval` takes no lock that lasts to the commit, so a batch of issues cannot deadlock
  with a participant's own), on SQLite the one row of `certificate_status_counter`, moved
  on by an `INSERT … ON CONFLICT DO UPDATE … RETURNING` inside the write transaction
  (SQLite's writers take turns). Two issues at once never get the same number; a number
  rolled back is skipped, never reused.
- The number becomes a position through a shuffle of the whole list, keyed with the
  installation's secret (`status_index`): a permutation, so distinct numbers give distinct
  positions, in an order outsiders cannot follow, so neighbouring bits say nothing about who
  was certified when (the herd privacy the Bitstring Status List asks for).

A position taken another way (certificates issued before the counter, when positions were
drawn at random, or under another secret key) is caught by the unique constraint on
`status_index`: the issue moves on to the next number (`services.issue_if_due`).
"""

import hashlib
import hmac

from flask import current_app
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from learning.certificates.models import STATUS_NUMBERS, StatusCounter
from learning.database import db

# Bits in the revocation status list: the Bitstring Status List minimum (16 KB), which
# gives herd privacy and room for as many certificates as the platform will issue.
STATUS_LIST_SIZE = 131_072
_ROUNDS = 4
_KEY_LABEL = b"certificate status list order"


def next_number() -> int:
    """The next status number, from 1: one statement, whatever the certificates issued."""
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.scalar(STATUS_NUMBERS.next_value())
    counter = StatusCounter.__table__
    return db.session.execute(
        sqlite_insert(counter).values(id=1, allocated=1)
        .on_conflict_do_update(index_elements=[counter.c.id],
                               set_={"allocated": counter.c.allocated + 1})
        .returning(counter.c.allocated)
    ).scalar_one()


def _round_key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()


def _shuffle(value: int, half_bits: int, key: bytes) -> int:
    """A keyed permutation of 0 … 2**(2 * half_bits) - 1 (a balanced Feistel network)."""
    mask = (1 << half_bits) - 1
    left, right = value >> half_bits, value & mask
    for round_number in range(_ROUNDS):
        digest = hmac.new(key, f"{round_number}:{right}".encode(), hashlib.sha256).digest()
        left, right = right, left ^ (int.from_bytes(digest[:8], "big") & mask)
    return (left << half_bits) | right


def status_index(number: int, size: int = STATUS_LIST_SIZE) -> int:
    """The status list position (0 … size - 1) of the certificate given this number.

    A permutation of the list, repeating every `size` numbers: the Feistel network shuffles
    the smallest even power of two that holds the list, and a value that falls outside is
    shuffled again until it falls inside (cycle walking), which keeps it a permutation.
    """
    half_bits = max(1, ((size - 1).bit_length() + 1) // 2)
    key = _round_key()
    value = _shuffle(number % size, half_bits, key)
    while value >= size:
        value = _shuffle(value, half_bits, key)
    return value
