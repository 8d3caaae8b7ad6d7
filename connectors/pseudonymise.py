"""Keyed hashing of personal data (HMAC-SHA256) before anything is written.

A value is hashed in a canonical form (`canonical_text`), so that the spellings of one name or ID
number that mean the same person give one pseudonym: Unicode compatibility forms (NFKC: full-width
digits and letters), invisible characters (zero-width spaces and joiners, byte order marks, soft
hyphens), whitespace runs, case, look-alikes of Đ (Ð, Ɖ), the tone mark on whichever vowel the
writer put it (`place_tone`), and ID numbers grouped with spaces, dots or dashes.

The landing zone records a fingerprint of the key it was pseudonymised with (`check_key`), so a
key changed without the rotation procedure of SECURITY.md stops the run instead of giving every
person a second pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache

from connectors.landing import LandingZone

# The sandbox's data is synthetic; its key is public on purpose. Real sources refuse it.
SANDBOX_KEY = "sandbox-pseudonymisation-key-not-secret"

# The version of `canonical_text`. Changing the canonical form changes pseudonyms: bump it, and a
# landing zone pseudonymised under the previous form stops the run (SECURITY.md says what to do).
# 1: NFC, whitespace, case. 2: also NFKC, invisible characters, Đ look-alikes, tone placement, ID numbers.
CANONICAL_FORM = 2
# <landing>/_state/pseudonymisation/key.json: the fingerprint of the key the landing zone was pseudonymised with.
KEY_STATE = ("pseudonymisation", "key")
_FINGERPRINT_TEXT = b"PAR warehouse pseudonymisation key fingerprint"


class PseudonymisationKeyError(RuntimeError):
    """The key (or the canonical form) is not the one the landing zone was pseudonymised with."""


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
        """The same person gives the same key however the source spelled them (`canonical_text`)."""
        if value is None:
            return None
        return self._hash(value if value.__class__ is str else str(value))

    def texts(self, values: Iterable[str | None]) -> list[str | None]:
        """`self(value)` of each text; blank or None gives None."""
        digest = self._hash
        return [digest(value) if value else None for value in values]

    def fingerprint(self) -> str:
        """The keyed hash of a fixed text: tells two keys apart without revealing either."""
        return hmac.digest(self._key, _FINGERPRINT_TEXT, hashlib.sha256).hex()

    def _digest(self, value: str) -> str | None:
        if value.isascii():  # ID numbers: what canonical_text does to ASCII text, the short way
            text = " ".join(value.split()).lower()
            if not text.isdigit() and _ID_NUMBER.fullmatch(text):
                text = _ID_SEPARATORS.sub("", text)
        else:
            text = canonical_text(value)
        if not text:
            return None
        return hmac.digest(self._key, text.encode(), hashlib.sha256).hex()[:32]


# -- the canonical form --------------------------------------------------------------------------

# Characters that show nothing: zero-width space / non-joiner / joiner, direction marks and
# embeddings, word joiner and invisible operators, byte order mark, soft hyphen.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Letters mistaken for đ (after case folding): Icelandic eth (Ð ð), African D (Ɖ ɖ).
_D_LOOK_ALIKES = ("\u00f0", "\u0256")
# An ID number (citizen ID, old ID card, passport): digits, maybe after one or two letters, grouped
# by spaces, dots or dashes (NFKC has already made full-width digits and dashes ASCII).
_ID_NUMBER = re.compile(r"(?:[a-z]{1,2}[ .\-\u2010-\u2015\u2212]?)?[0-9](?:[0-9]|[ .\-\u2010-\u2015\u2212](?=[0-9]))*")
_ID_SEPARATORS = re.compile(r"[ .\-\u2010-\u2015\u2212]")

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_VOWEL_SHAPES = {("a", "\u0306"), ("a", "\u0302"), ("e", "\u0302"), ("o", "\u0302"), ("o", "\u031b"), ("u", "\u031b")}
_VOWELS = frozenset("aeiouy")
_FINALS = frozenset({"", "c", "ch", "m", "n", "ng", "nh", "p", "t"})
_TONED_VOWEL = "".join(sorted({unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in _TONE_MARKS}))
_ANY_VOWEL = "aăâeêioôơuưy" + _TONED_VOWEL
# A word worth looking at: a toned vowel next to another vowel.
_TONE_IN_VOWEL_RUN = re.compile(f"[{_ANY_VOWEL}][{_TONED_VOWEL}]|[{_TONED_VOWEL}][{_ANY_VOWEL}]")


def canonical_text(value: str) -> str:
    """The form a value is hashed in (version CANONICAL_FORM); '' for a blank value."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    # single spaces, case folded, NFC again (folding can decompose a letter, e.g. Greek ΐ)
    text = unicodedata.normalize("NFC", " ".join(text.split()).casefold())
    for look_alike in _D_LOOK_ALIKES:
        if look_alike in text:
            text = text.replace(look_alike, "\u0111")
    if text[-1:].isdigit() and _ID_NUMBER.fullmatch(text):
        return _ID_SEPARATORS.sub("", text)
    return " ".join(_placed(word) for word in text.split(" "))


@lru_cache(maxsize=1 << 14)
def _placed(word: str) -> str:
    """`place_tone(word)` where it may move something; words recur, so each is looked at once."""
    return place_tone(word) if _TONE_IN_VOWEL_RUN.search(word) else word


def place_tone(word: str) -> str:
    """A Vietnamese syllable (lower case, NFC) with its tone mark on the vowel one fixed convention
    picks, whichever vowel the writer put it on; anything else (no or several tone marks, not one
    syllable, not Vietnamese letters) unchanged.

    The convention: on the vowel with a shape mark (ă â ê ô ơ ư; the last one of ươ); else, with a
    final consonant, on the last vowel (hoàng, huỳnh); else on the middle one of three (ngoài,
    khuỷu) and the first one of two (hòa, hòe, thủy, mùa, tái). `qu` and `gi` before a vowel are
    consonants (quý, già). Old and new styles differ only for open oa / oe / uy (hòa / hoà,
    khỏe / khoẻ, thủy / thuỷ): the old one is kept, as in the province's name, Khánh Hòa."""
    letters: list[list[str]] = []  # [letter, shape mark, tone mark]
    for char in unicodedata.normalize("NFD", word):
        if not unicodedata.combining(char):
            if not ("a" <= char <= "z" or char == "đ"):
                return word
            letters.append([char, "", ""])
        elif not letters:
            return word
        elif char in _TONE_MARKS and not letters[-1][2]:
            letters[-1][2] = char
        elif (letters[-1][0], char) in _VOWEL_SHAPES and not letters[-1][1]:
            letters[-1][1] = char
        else:
            return word
    toned = [letter for letter in letters if letter[2]]
    if len(toned) != 1:
        return word
    start = 0
    while start < len(letters) and letters[start][0] not in _VOWELS:
        start += 1
    initial = "".join(letter[0] for letter in letters[:start])
    if (initial == "q" and start + 1 < len(letters) and letters[start][0] == "u" and not letters[start][1]) or (
        initial == "g" and start + 1 < len(letters) and letters[start][0] == "i" and letters[start + 1][0] in _VOWELS
    ):
        start += 1  # qu-, gi- before a vowel
    end = start
    while end < len(letters) and letters[end][0] in _VOWELS:
        end += 1
    final = "".join(letter[0] for letter in letters[end:])
    if final not in _FINALS or not 1 <= end - start <= 3:
        return word
    nucleus = letters[start:end]
    shaped = [letter for letter in nucleus if letter[1]]
    if shaped:
        target = shaped[-1]
    elif final:
        target = nucleus[-1]
    else:
        target = nucleus[1] if len(nucleus) == 3 else nucleus[0]
    if target is toned[0]:
        return word
    target[2], toned[0][2] = toned[0][2], ""
    return unicodedata.normalize("NFC", "".join("".join(letter) for letter in letters))


# -- the key the landing zone was pseudonymised with ------------------------------------------------


def check_key(landing: LandingZone, source: str, pseudonymise: Pseudonymiser) -> None:
    """Before `source` lands pseudonymised data: the landing zone's first landing records the key's
    fingerprint and the canonical form (`<landing>/_state/pseudonymisation/key.json`); every later
    one must use the same, else PseudonymisationKeyError (nothing is landed)."""
    recorded = landing.read_state(*KEY_STATE)
    current = {"key_fingerprint": pseudonymise.fingerprint(), "canonical_form": CANONICAL_FORM}
    if recorded is None:
        landing.write_state(
            *KEY_STATE,
            {**current, "recorded_by": source, "recorded_at": datetime.now(UTC).isoformat(timespec="seconds")},
        )
        return
    since = f"recorded {recorded.get('recorded_at')} by {recorded.get('recorded_by')} in {landing.root}"
    if recorded.get("key_fingerprint") != current["key_fingerprint"]:
        raise PseudonymisationKeyError(
            f"{source}: PAR_PSEUDONYMISATION_KEY is not the key the landing zone was pseudonymised with (its "
            f"fingerprint differs from the one {since}); landing with it would give every person a second "
            "pseudonym, so nothing was landed. Set the key the landing zone was built with; or, if the key was "
            "changed on purpose, follow the key rotation procedure in SECURITY.md (move the landing zone and the "
            "warehouse aside, then re-land everything under the new key)."
        )
    if recorded.get("canonical_form") != CANONICAL_FORM:
        raise PseudonymisationKeyError(
            f"{source}: the landing zone was pseudonymised under canonical form {recorded.get('canonical_form')} "
            f"({since}), this version of the platform hashes names and ID numbers under canonical form "
            f"{CANONICAL_FORM}; landing with it would give some people a second pseudonym, so nothing was landed. "
            "Re-land everything under the new form as in the key rotation procedure of SECURITY.md (the key "
            "may stay), or run the version of the platform the landing zone was built with."
        )
