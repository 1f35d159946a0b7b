"""Signed notes and checkpoints (c2sp.org/signed-note, c2sp.org/tlog-checkpoint v1.0.0): the
sumdb/note PeterNeumann vector byte for byte, strict checkpoint text, and a verifier that accepts
a note only when a known key's signature verifies and no known key's signature fails."""

from __future__ import annotations

import base64
import hashlib

import pytest

from auditlog.offline import (
    Checkpoint,
    ProofError,
    VerifierKey,
    checkpoint_text,
    parse_checkpoint,
    parse_verifier_key,
    verify_checkpoint,
    verify_note,
)
from auditlog.signing import SignerKey, sign_checkpoint

TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
SIGNATURE_LINE = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotp"
    "RZb6KE6RyyBwJnAM=\n"
)
ORIGIN = "greenlist.example/log"
ROOT = hashlib.sha256(b"a root").digest()
URL_SAFE = base64.urlsafe_b64encode(b"\xfb" * 32).decode()


def key(n: int, name: str = ORIGIN) -> SignerKey:
    """A fixed key per number (tests stay reproducible)."""
    return SignerKey(name, hashlib.sha256(f"seed {n}".encode()).digest())


def test_the_peter_neumann_vector_byte_for_byte() -> None:
    signer = SignerKey.parse(SKEY)
    assert signer.text() == SKEY
    assert signer.verifier_key() == VKEY
    note = signer.sign_note(TEXT)
    assert note == TEXT + "\n" + SIGNATURE_LINE
    verifier = parse_verifier_key(VKEY)
    assert (verifier.name, verifier.key_id.hex()) == ("PeterNeumann", "c74f20a3")
    assert verifier == signer.verifier()
    assert verify_note(note, [verifier]) == TEXT


def test_a_signer_key_never_shows_its_secret() -> None:
    signer = SignerKey.parse(SKEY)
    assert "PRIVATE" not in repr(signer) and SKEY.rsplit("+", 1)[1] not in repr(signer)
    assert VKEY in repr(signer)


def test_signer_keys_that_are_wrong_are_refused() -> None:
    name, kid, encoded = SKEY.removeprefix("PRIVATE+KEY+").split("+", 2)
    other_alg = base64.b64encode(b"\x02" + base64.b64decode(encoded)[1:]).decode()
    for text in (
        f"PRIVATE+KEY+{name}+c74f20a4+{encoded}",  # wrong key ID
        f"PRIVATE+KEY+{name}x+{kid}+{encoded}",  # the ID is of another name
        f"PRIVATE+KEY+{name}+{kid}+{other_alg}",
        f"PRIVATE+KEY+{name}+{kid}+{encoded[:-1]}",
        f"{name}+{kid}+{encoded}",
    ):
        with pytest.raises(ValueError):
            SignerKey.parse(text)
    for bad_name in ("", "a b", "a+b"):
        with pytest.raises(ValueError):
            SignerKey.generate(bad_name)


def test_a_generated_key_signs_what_its_verifier_key_verifies() -> None:
    signer, other = SignerKey.generate(ORIGIN), SignerKey.generate(ORIGIN)
    assert signer.text() != other.text()
    assert SignerKey.parse(signer.text()).verifier_key() == signer.verifier_key()
    note = signer.sign_note("hello\n")
    assert verify_note(note, [parse_verifier_key(signer.verifier_key())]) == "hello\n"
    with pytest.raises(ProofError, match="known key"):
        verify_note(note, [other.verifier()])


def test_verifier_keys_are_split_at_the_first_two_plus_signs_only() -> None:
    signer = next(k for k in map(key, range(100)) if "+" in k.verifier_key().split("+", 2)[2])
    assert parse_verifier_key(signer.verifier_key() + "\n") == signer.verifier()


@pytest.mark.parametrize(
    "text",
    [
        VKEY.replace("c74f20a3", "c74f20a4"),  # the ID does not match
        VKEY.replace("PeterNeumann", "PeterNeumannX"),
        "PeterNeumann+c74f20a3+" + base64.b64encode(b"\x02" + bytes(32)).decode(),
        VKEY[:-4],  # not 33 bytes
        VKEY.rstrip("W") + "w",  # not base64 of the key
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "",
    ],
)
def test_malformed_or_inconsistent_verifier_keys_are_refused(text: str) -> None:
    with pytest.raises(ProofError):
        parse_verifier_key(text)


def test_a_checkpoint_is_three_lines_and_its_extensions() -> None:
    cp = Checkpoint(ORIGIN, 1234, ROOT)
    text = checkpoint_text(cp)
    assert text == f"{ORIGIN}\n1234\n{base64.b64encode(ROOT).decode()}\n"
    assert parse_checkpoint(text) == cp
    extended = Checkpoint(ORIGIN, 0, hashlib.sha256(b"").digest(), ("ext one", "ext two"))
    assert parse_checkpoint(checkpoint_text(extended)) == extended
    assert checkpoint_text(extended).endswith("\next one\next two\n")


@pytest.mark.parametrize(
    "size",
    ["01", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "١٢", "", str(1 << 64)],
)
def test_a_tree_size_is_plain_decimal_without_leading_zeros(size: str) -> None:
    with pytest.raises(ProofError):
        parse_checkpoint(f"{ORIGIN}\n{size}\n{base64.b64encode(ROOT).decode()}\n")


@pytest.mark.parametrize(
    "body",
    [
        f"{ORIGIN}\n5\n{base64.b64encode(ROOT).decode()}",  # no final newline
        f"{ORIGIN}\n5\n",
        f"\n5\n{base64.b64encode(ROOT).decode()}\n",  # empty origin
        f"{ORIGIN}\n5\n{base64.b64encode(ROOT).decode().rstrip('=')}\n",  # unpadded
        f"{ORIGIN}\n5\n{URL_SAFE}\n",  # the URL-safe alphabet
        f"{ORIGIN}\n5\n{base64.b64encode(ROOT[:31]).decode()}\n",  # 31 bytes
        f"{ORIGIN}\n5\n{base64.b64encode(ROOT).decode()}\n\n",  # an empty extension line
        f"{ORIGIN}\n5\n {base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\r\n5\n{base64.b64encode(ROOT).decode()}\n",
    ],
)
def test_malformed_checkpoints_are_refused(body: str) -> None:
    with pytest.raises(ProofError):
        parse_checkpoint(body)


def test_a_signed_checkpoint_verifies_into_its_checkpoint() -> None:
    signer, cp = key(1), Checkpoint(ORIGIN, 42, ROOT)
    note = sign_checkpoint(cp, signer)
    assert note.startswith(checkpoint_text(cp) + "\n— greenlist.example/log ")
    assert verify_checkpoint(note, [parse_verifier_key(signer.verifier_key())]) == cp


def test_a_note_signed_only_by_unknown_keys_is_refused() -> None:
    known = key(1)
    note = key(2).sign_note(TEXT)  # same name, another key (another ID)
    with pytest.raises(ProofError, match="known key"):
        verify_note(note, [known.verifier()])
    other_name = key(1, "other.example/log").sign_note(TEXT)  # another name, own ID
    with pytest.raises(ProofError, match="known key"):
        verify_note(other_name, [known.verifier()])


def test_a_known_key_whose_signature_fails_refuses_the_note() -> None:
    first, second = key(1), key(2, "witness.example")
    line = second.sign_note(TEXT).removeprefix(TEXT + "\n")
    signature = bytearray(base64.b64decode(line.split(" ")[2]))
    signature[-1] ^= 1
    forged = f"— witness.example {base64.b64encode(bytes(signature)).decode()}\n"
    note = first.sign_note(TEXT) + forged
    with pytest.raises(ProofError, match=r"witness\.example does not verify"):
        verify_note(note, [first.verifier(), second.verifier()])
    assert verify_note(note, [first.verifier()]) == TEXT  # unknown to this verifier: ignored
    with pytest.raises(ProofError, match="does not verify"):  # the text changed after signing
        verify_note(first.sign_note(TEXT).replace("answer", "Answer"), [first.verifier()])


def test_seventeen_signatures_of_which_one_is_known_are_accepted() -> None:
    signers = [key(n, f"witness{n}.example") for n in range(17)]
    lines = [s.sign_note(TEXT).removeprefix(TEXT + "\n") for s in signers]
    note = TEXT + "\n" + "".join(lines)
    assert verify_note(note, [signers[16].verifier()]) == TEXT
    assert verify_note(note, [signers[0].verifier(), signers[9].verifier()]) == TEXT
    too_many = TEXT + "\n" + "".join(lines * 6)  # 102 lines
    with pytest.raises(ProofError):
        verify_note(too_many, [signers[0].verifier()])


def test_a_note_text_may_hold_empty_lines() -> None:
    signer = key(1)
    assert verify_note(signer.sign_note("a\n\nb\n"), [signer.verifier()]) == "a\n\nb\n"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda note: note.replace("\n\n", "\n"),  # no blank line
        lambda note: note[:-1],  # no final newline
        lambda note: note + "\n",  # a blank line after the signatures
        lambda note: note.replace("— ", "- "),  # a hyphen, not an em dash
        lambda note: note.replace("— ", "—"),
        lambda note: note.replace("— greenlist.example/log ", "— greenlist.example/log  "),
        lambda note: note.replace("— greenlist.example/log ", "—  greenlist.example/log "),
        lambda note: note.replace("greenlist.example/log ", "greenlist+example/log "),
        lambda note: note.rstrip("\n") + " \n",
        lambda note: note.rsplit(" ", 1)[0] + " AAAA\n",  # shorter than a key ID and a byte
        lambda note: note.rsplit(" ", 1)[0] + " not*base64\n",
        lambda note: note.rsplit(" ", 1)[0] + "\n",  # no signature
        lambda note: note.replace("problem,\n", "problem,\r\n"),  # a control character
        lambda note: note.replace("you ", "you\t"),
        lambda note: note + "\u2014 \n",
        lambda note: note.split("\n\n")[0] + "\n\n",  # no signature line at all
    ],
)
def test_malformed_notes_are_refused(mangle: object) -> None:
    signer = key(1)
    note = mangle(signer.sign_note(TEXT))  # type: ignore[operator]
    with pytest.raises(ProofError):
        verify_note(note, [signer.verifier()])


def test_verifier_keys_are_plain_values() -> None:
    verifier = key(1).verifier()
    assert verifier == VerifierKey(verifier.name, verifier.key_id, verifier.public)
    assert len(verifier.key_id) == 4 and len(verifier.public) == 32
