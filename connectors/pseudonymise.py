"""Keyed hashing of personal data (HMAC-SHA256) before anything is written."""
from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# The sandbox's data is synthetic; its key is public on purpose. Real sources refuse it.
SANDBOX_KEY = "sandbox-pseudonymisation-key-not-secret"


class Pseudonymiser:
    def __init__(self, key: str):
        if not key:
            raise ValueError("a pseudonymisation key is required (set PAR_PSEUDONYMISATION_KEY)")
        self._key = key.encode()
        # Names recur (officials sign many dossiers' steps): each distinct value is hashed once.
        self._hash = lru_cache(maxsize=1 << 16)(self._digest)

    def __repr__(self) -> str:  # never show the key
        return "Pseudonymiser(key=***)"

    def __call__(self, value: object) -> str | None:
        """The same person gives the same key however the source spaced or composed the text."""
        if value is None:
            return None
        return self._hash(value if value.__class__ is str else str(value))

    def texts(self, values: Iterable[str | None]) -> list[str | None]:
        """`self(value)` of each text; blank or None gives None."""
        digest = self._hash
        return [digest(value) if value else None for value in values]

    def _digest(self, value: str) -> str | None:
        if value.isascii():  # ID numbers: NFC changes no ASCII text, and folds it as lower() does
            text = " ".join(value.split()).lower()
        else:  # NFC, single spaces, case folded, NFC again (folding can decompose a letter, e.g. Greek ΐ).
            text = unicodedata.normalize("NFC", " ".join(unicodedata.normalize("NFC", value).split()).casefold())
        if not text:
            return None
        return hmac.digest(self._key, text.encode(), hashlib.sha256).hex()[:32]
