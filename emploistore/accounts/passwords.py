"""Password hashing: Argon2id with the parameters OWASP recommends.

Argon2id (m = 19 MiB, t = 2, p = 1) is OWASP's first choice for password storage; it costs
about 20 ms of one core here, where Werkzeug's default scrypt (N = 2^15, below OWASP's own
scrypt minimum) cost about 80 ms. Hashes made before (Werkzeug's ``scrypt:`` or
``pbkdf2:`` formats) still verify, and are replaced by an Argon2id hash at the person's
next successful log-in.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Constant-time check of a password against any hash format the store has used."""
    if stored.startswith("$argon2"):
        try:
            return _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)


def needs_rehash(stored: str) -> bool:
    """True for an older format or older Argon2 parameters."""
    return not stored.startswith("$argon2") or _HASHER.check_needs_rehash(stored)
