"""The password policy of staff accounts, in one place: the office, the command line and each user setting
their own password all go through it."""

import hashlib
import re

MIN_LENGTH = 10
# Parts of a username shorter than this (unit, liu) are too common to forbid in a password.
USERNAME_PART_LENGTH = 5
# Passwords that meet the other rules and are still among the first an attacker tries.
COMMON_PASSWORDS = frozenset(
    {
        "password123",
        "password1234",
        "password2017",
        "passw0rd123",
        "admin123456",
        "administrator1",
        "qwerty123456",
        "qwertyuiop1",
        "1qaz2wsx3edc",
        "1q2w3e4r5t",
        "q1w2e3r4t5",
        "zaq12wsxcde",
        "abc1234567",
        "abcd123456",
        "abcde12345",
        "asdf123456",
        "qwer123456",
        "a123456789",
        "aa123456789",
        "123456789a",
        "1234567890a",
        "iloveyou123",
        "woaini1314",
        "changeme123",
        "welcome123",
        "test123456",
        "gaigeban123",
    }
)


def password_problem(password: str, *, username: str = "") -> str | None:
    """The rule `password` breaks, as an AccountError code, or None when it may be used."""
    if len(password) < MIN_LENGTH:
        return "password_too_short"
    if not re.search(r"[^\W\d_]", password) or not re.search(r"\d", password):
        return "password_letters_and_digits"
    lowered, name = password.lower(), username.strip().lower()
    parts = [name, *(part for part in re.split(r"[._-]", name) if len(part) >= USERNAME_PART_LENGTH)]
    if name and any(part in lowered for part in parts):
        return "password_contains_username"
    if lowered in COMMON_PASSWORDS:
        return "password_too_common"
    return None


def password_digest(user) -> str:
    """A digest of a user's password hash: what a signed cookie or link names, so that it stops matching once the
    password changes."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]
