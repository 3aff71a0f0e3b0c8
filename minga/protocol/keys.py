"""The violence-prevention protocol's keys (issue 13): what the server stores is readable
only with a protocol officer's password, the network's recovery key or a reporter's
receipt, none of which it keeps. Pure: libsodium through PyNaCl, no Django; no cipher here
is written by hand.

- **A case key per report** (`new_case_key`): `seal` and `unseal` its contents (account,
  messages, attachments, measures, the reporter's identity) with XSalsa20-Poly1305
  (`SecretBox`, a fresh random nonce each time; tampering is detected).
- **An X25519 key pair per officer.** The public half is stored as it is. The private half
  is stored only locked under a key derived from the officer's password (Argon2id, `lock`,
  `unlock`), and can be locked again under a new password (`lock` the unlocked key).
- **A case key is wrapped** (`wrap`, a sealed box: anyone may wrap for a public key, only
  its private key unwraps) for each officer, and for the network's recovery key, whose
  private half is printed once at set-up (`new_recovery_key`) and never stored.
- **An anonymous reporter's receipt** (`new_receipt`, 20 digits, about 66 bits) goes
  through one Argon2id derivation (`RECEIPT_SALT`), which gives two independent
  halves (`receipt_secrets`): a look-up tag, stored and indexed to find the case, and a
  key that wraps the case key. Neither half tells the other, or the receipt.
- **An API token** made with an officer's password may carry the officer's private key
  locked under a key derived from the token's secret (`token_key`); the server stores the
  token only hashed, so the lock opens only while the client holds the token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from nacl import exceptions, hash, public, pwhash, secret
from nacl.encoding import Base32Encoder, RawEncoder

KEY_SIZE = secret.SecretBox.KEY_SIZE  # 32 bytes
SALT_SIZE = pwhash.argon2id.SALTBYTES  # 16 bytes
RECEIPT_DIGITS = 20
# One salt for every receipt of an installation, so a receipt finds its case without
# naming its network: a receipt's 66 bits, each guess an Argon2id derivation, are what
# make guessing hopeless; a salt per network would cost one derivation per network.
RECEIPT_SALT = b"minga.receipt.1\x00"


class WrongSecret(Exception):
    """A password, receipt or key that does not open what it was given (or something
    stored was altered): nothing is revealed either way."""


@dataclass(frozen=True)
class Cost:
    """Argon2id's work per derivation: `INTERACTIVE` in use, `FAST` only in tests."""

    ops: int
    mem: int


# libsodium's interactive parameters: 2 passes over 64 MiB, about 0.1 s on these machines.
INTERACTIVE = Cost(pwhash.argon2id.OPSLIMIT_INTERACTIVE, pwhash.argon2id.MEMLIMIT_INTERACTIVE)
FAST = Cost(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)


def _derive(size: int, secret_text: str, salt: bytes, cost: Cost) -> bytes:
    return bytes(
        pwhash.argon2id.kdf(
            size, secret_text.encode("utf-8"), salt, opslimit=cost.ops, memlimit=cost.mem
        )
    )


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_SIZE)


# Contents ----------------------------------------------------------------------------------


def new_case_key() -> bytes:
    return secrets.token_bytes(KEY_SIZE)


def seal(key: bytes, plaintext: bytes) -> bytes:
    return bytes(secret.SecretBox(key).encrypt(plaintext))


def unseal(key: bytes, sealed: bytes) -> bytes:
    try:
        return bytes(secret.SecretBox(key).decrypt(sealed))
    except (exceptions.CryptoError, ValueError, TypeError) as exc:
        raise WrongSecret from exc


# Officers' keys ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LockedKey:
    """An officer's key pair as stored: the public half, and the private half locked under
    a key derived from their password with `salt`."""

    public: bytes
    locked: bytes
    salt: bytes


def new_officer_key(password: str, cost: Cost = INTERACTIVE) -> LockedKey:
    return lock(bytes(public.PrivateKey.generate()), password, cost)


def lock(private: bytes, password: str, cost: Cost = INTERACTIVE) -> LockedKey:
    """The private key locked under `password` (a new salt each time): at set-up, and
    again when the officer changes their password."""
    salt = new_salt()
    sealed = seal(_derive(KEY_SIZE, password, salt, cost), private)
    return LockedKey(public_of(private), sealed, salt)


def unlock(key: LockedKey, password: str, cost: Cost = INTERACTIVE) -> bytes:
    return unseal(_derive(KEY_SIZE, password, key.salt, cost), key.locked)


def public_of(private: bytes) -> bytes:
    return bytes(public.PrivateKey(private).public_key)


def wrap(public_key: bytes, case_key: bytes) -> bytes:
    """The case key for one holder of a key pair (an officer, the recovery key)."""
    return bytes(public.SealedBox(public.PublicKey(public_key)).encrypt(case_key))


def unwrap(private: bytes, wrapped: bytes) -> bytes:
    try:
        return bytes(public.SealedBox(public.PrivateKey(private)).decrypt(wrapped))
    except (exceptions.CryptoError, ValueError, TypeError) as exc:
        raise WrongSecret from exc


# The network's recovery key -----------------------------------------------------------------


def new_recovery_key() -> tuple[bytes, str]:
    """The public half (stored) and the private half as text to print once and keep
    offline: base32 in groups of four, easy to copy by hand."""
    private = public.PrivateKey.generate()
    text = Base32Encoder.encode(bytes(private)).decode("ascii").rstrip("=")
    return bytes(private.public_key), "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def recovery_private(printed: str) -> bytes:
    """The private half from its printed text (case, spaces and dashes ignored)."""
    text = "".join(ch for ch in printed.upper() if ch.isalnum())
    try:
        raw = Base32Encoder.decode((text + "=" * (-len(text) % 8)).encode("ascii"))
    except (ValueError, TypeError) as exc:
        raise WrongSecret from exc
    if len(raw) != KEY_SIZE:
        raise WrongSecret
    return bytes(raw)


# Anonymous reporters' receipts ---------------------------------------------------------------


def new_receipt() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def normalize_receipt(typed: str) -> str | None:
    """The receipt as typed (spaces and dashes allowed), or None if it cannot be one."""
    digits = "".join(ch for ch in typed if ch not in " -\t")
    if len(digits) != RECEIPT_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


@dataclass(frozen=True)
class ReceiptSecrets:
    tag: bytes  # stored and indexed: finds the case
    key: bytes  # never stored: wraps the case key


def receipt_secrets(
    receipt: str, salt: bytes = RECEIPT_SALT, cost: Cost = INTERACTIVE
) -> ReceiptSecrets:
    """One slow derivation (Argon2id), split in two halves."""
    derived = _derive(2 * KEY_SIZE, receipt, salt, cost)
    return ReceiptSecrets(tag=derived[:KEY_SIZE], key=derived[KEY_SIZE:])


# API tokens -----------------------------------------------------------------------------------


def token_key(token_secret: str) -> bytes:
    """The key a token's secret gives (already random, so a fast derivation suffices)."""
    return bytes(
        hash.blake2b(
            token_secret.encode("utf-8"),
            digest_size=KEY_SIZE,
            person=b"minga-token-key",
            encoder=RawEncoder,
        )
    )
