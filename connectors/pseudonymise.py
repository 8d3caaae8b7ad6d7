"""Keyed hashing of personal data (HMAC-SHA256) before anything is written."""
from __future__ import annotations

import hashlib
import hmac
import unicodedata

# The sandbox's data is synthetic; its key is public on purpose. Real sources refuse it.
SANDBOX_KEY = "sandbox-pseudonymisation-key-not-secret"


class Pseudonymiser:
    def __init__(self, key: str):
        if not key:
            raise ValueError("a pseudonymisation key is required (set PAR_PSEUDONYMISATION_KEY)")
        self._key = key.encode()

    def __repr__(self) -> str:  # never show the key
        return "Pseudonymiser(key=***)"

    def __call__(self, value: object) -> str | None:
        """The same person gives the same key however the source spaced or composed the text."""
        if value is None:
            return None
        # NFC, single spaces, case folded, NFC again (folding can decompose a letter, e.g. Greek ΐ).
        text = unicodedata.normalize("NFC", " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold())
        if not text:
            return None
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:32]
