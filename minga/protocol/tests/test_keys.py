"""The protocol's keys, tested directly: contents open only with the case key, which opens
only for an officer's password, the recovery key or the receipt; anything wrong or altered
reveals nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minga.protocol import keys
from minga.protocol.keys import FAST, WrongSecret

CANARY = "canario-7f3a9c"
texts = st.text(min_size=0, max_size=200)
passwords = st.text(min_size=1, max_size=40)


@given(st.binary(max_size=2000))
def test_contents_open_with_their_case_key_only(plaintext):
    key, other = keys.new_case_key(), keys.new_case_key()
    sealed = keys.seal(key, plaintext)
    assert keys.unseal(key, sealed) == plaintext
    with pytest.raises(WrongSecret):
        keys.unseal(other, sealed)


def test_sealing_twice_differs_and_altering_a_byte_is_detected():
    key = keys.new_case_key()
    first, second = keys.seal(key, CANARY.encode()), keys.seal(key, CANARY.encode())
    assert first != second  # a fresh nonce each time
    assert CANARY.encode() not in first
    for position in (0, len(first) // 2, len(first) - 1):
        altered = bytearray(first)
        altered[position] ^= 1
        with pytest.raises(WrongSecret):
            keys.unseal(key, bytes(altered))


@settings(max_examples=10, deadline=None)
@given(passwords, passwords)
def test_an_officer_key_unlocks_with_their_password_and_no_other(password, other):
    locked = keys.new_officer_key(password, FAST)
    private = keys.unlock(locked, password, FAST)
    case_key = keys.new_case_key()
    assert keys.unwrap(private, keys.wrap(locked.public, case_key)) == case_key
    if other != password:
        with pytest.raises(WrongSecret):
            keys.unlock(locked, other, FAST)


def test_a_new_password_locks_the_same_key_again_and_the_old_one_stops_working():
    locked = keys.new_officer_key("contraseña vieja", FAST)
    private = keys.unlock(locked, "contraseña vieja", FAST)
    relocked = keys.lock(private, "contraseña nueva", FAST)
    assert relocked.public == locked.public and relocked.salt != locked.salt
    assert keys.unlock(relocked, "contraseña nueva", FAST) == private
    with pytest.raises(WrongSecret):
        keys.unlock(relocked, "contraseña vieja", FAST)


def test_a_case_key_wrapped_for_one_officer_is_closed_to_another():
    ana, bruno = (keys.new_officer_key(p, FAST) for p in ("ana-clave", "bruno-clave"))
    case_key = keys.new_case_key()
    for_ana = keys.wrap(ana.public, case_key)
    with pytest.raises(WrongSecret):
        keys.unwrap(keys.unlock(bruno, "bruno-clave", FAST), for_ana)
    # Granting access: Ana unwraps and wraps for Bruno.
    granted = keys.wrap(bruno.public, keys.unwrap(keys.unlock(ana, "ana-clave", FAST), for_ana))
    assert keys.unwrap(keys.unlock(bruno, "bruno-clave", FAST), granted) == case_key


def test_the_printed_recovery_key_opens_what_was_wrapped_for_it():
    public_half, printed = keys.new_recovery_key()
    case_key = keys.new_case_key()
    wrapped = keys.wrap(public_half, case_key)
    retyped = printed.lower().replace("-", " ")
    assert keys.unwrap(keys.recovery_private(retyped), wrapped) == case_key
    for wrong in ("", "ABCD-EFGH", printed[:-4] + "AAAA"):
        with pytest.raises(WrongSecret):
            keys.unwrap(keys.recovery_private(wrong), wrapped)


def test_receipts_have_twenty_digits_and_are_read_back_as_typed():
    receipts = {keys.new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    assert all(len(r) == keys.RECEIPT_DIGITS and r.isdigit() for r in receipts)
    receipt = next(iter(receipts))
    typed = " ".join(receipt[i : i + 4] for i in range(0, 20, 4))
    assert keys.normalize_receipt(typed) == receipt
    assert keys.normalize_receipt(receipt[:-1]) is None
    assert keys.normalize_receipt("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠") is None  # digits, but not ASCII


def test_a_receipt_gives_a_stable_tag_and_a_separate_key():
    salt = keys.new_salt()
    receipt = keys.new_receipt()
    first = keys.receipt_secrets(receipt, salt, FAST)
    assert keys.receipt_secrets(receipt, salt, FAST) == first  # the tag finds the case
    assert first.tag != first.key
    assert keys.receipt_secrets(receipt, keys.new_salt(), FAST).tag != first.tag
    other = keys.receipt_secrets(keys.new_receipt(), salt, FAST)
    assert other.tag != first.tag
    case_key = keys.new_case_key()
    wrapped = keys.seal(first.key, case_key)
    assert keys.unseal(first.key, wrapped) == case_key
    with pytest.raises(WrongSecret):
        keys.unseal(other.key, wrapped)
    assert receipt.encode() not in first.tag + first.key


def test_a_token_key_depends_only_on_the_token_secret():
    assert keys.token_key("secreto-1") == keys.token_key("secreto-1")
    assert keys.token_key("secreto-1") != keys.token_key("secreto-2")
    assert len(keys.token_key("secreto-1")) == keys.KEY_SIZE
