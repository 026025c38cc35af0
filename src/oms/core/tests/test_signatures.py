"""The HMAC helper against RFC 4231's published test vector, in hex and in base64."""

from __future__ import annotations

import base64

from oms.core import signatures

# RFC 4231, test case 2 (HMAC-SHA-256).
KEY, DATA = "Jefe", b"what do ya want for nothing?"
HEX = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_sign_matches_the_rfc_vector_in_hex_and_base64() -> None:
    assert signatures.sign(KEY, DATA, encoding="hex") == HEX
    assert signatures.sign(KEY, DATA) == base64.b64encode(bytes.fromhex(HEX)).decode()


def test_verify_accepts_the_signature_and_refuses_everything_else() -> None:
    good = signatures.sign(KEY, DATA)
    assert signatures.verify(KEY, DATA, good)
    assert signatures.verify(KEY, DATA, f"  {good}\n")  # header whitespace
    assert signatures.verify(KEY, DATA, HEX.upper(), encoding="hex")
    assert not signatures.verify(KEY, DATA + b" ", good)
    assert not signatures.verify("jefe", DATA, good)
    assert not signatures.verify(KEY, DATA, None)
    assert not signatures.verify("", DATA, good)
    assert not signatures.verify(KEY, DATA, "not base64!")
    assert not signatures.verify(KEY, DATA, "zz", encoding="hex")
    assert not signatures.verify(KEY, DATA, HEX)  # a hex signature where base64 is expected
