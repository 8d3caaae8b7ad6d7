"""One person, one pseudonym: the spellings of a name or ID number that mean the same person are
hashed alike (tone placement, invisible characters, Ð for Đ, ID numbers with separators or
full-width digits), different names stay apart, and a landing zone refuses a key other than the
one it was pseudonymised with (connectors/pseudonymise.py, SECURITY.md)."""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.landing import LandingZone
from connectors.pseudonymise import (
    KEY_STATE,
    SANDBOX_KEY,
    PseudonymisationKeyError,
    Pseudonymiser,
    canonical_text,
    check_key,
)

p = Pseudonymiser(SANDBOX_KEY)
GRAVE, ACUTE, HOOK, TILDE, DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
TONES = (GRAVE, ACUTE, HOOK, TILDE, DOT)


def toned(syllable: str, position: int, tone: str) -> str:
    """`syllable` with `tone` on its letter at `position`, composed (NFC)."""
    return unicodedata.normalize("NFC", syllable[: position + 1] + tone + syllable[position + 1 :])


# -- tone placement: old style (hòa, thủy, khỏe) and new style (hoà, thuỷ, khoẻ) are one name ---------


@pytest.mark.parametrize(
    "syllable, old, new", [("hoa", 1, 2), ("khoe", 2, 3), ("thuy", 2, 3), ("xoe", 1, 2), ("tuy", 1, 2), ("loa", 1, 2)]
)
@pytest.mark.parametrize("tone", TONES, ids=["huyen", "sac", "hoi", "nga", "nang"])
def test_old_and_new_tone_placement_give_one_pseudonym(syllable, old, new, tone):
    old_style, new_style = toned(syllable, old, tone), toned(syllable, new, tone)
    assert old_style != new_style
    assert p(old_style) == p(new_style)
    assert p(f"Nguyễn Thị {old_style.title()}") == p(f"NGUYỄN THỊ {new_style.upper()}")
    # a different tone, or none, is a different name
    assert p(old_style) != p(syllable)
    assert {p(toned(syllable, old, other)) for other in TONES} == {p(toned(syllable, new, other)) for other in TONES}
    assert len({p(toned(syllable, new, other)) for other in TONES}) == 5


@pytest.mark.parametrize(
    "one, other",
    [
        ("Hòa", "Hoa"),
        ("Thủy", "Thúy"),
        ("Hoà", "Hóa"),
        ("Khỏe", "Khoe"),
        ("Thuỷ", "Thùy"),
        ("Hoàng", "Hoang"),
        ("Quý", "Quỳ"),
        ("Huỳnh", "Huynh"),
        ("Nguyễn Thị Thủy", "Nguyễn Thị Thúy"),
    ],
)
def test_different_names_stay_apart(one, other):
    assert p(one) != p(other)


@pytest.mark.parametrize(
    "one, other",
    [
        ("Hoàng", "Hòang"),
        ("Quý", "Qúy"),
        ("Già", "Gìa"),
        ("Ngoài", "Ngòai"),
        ("Thuở", "Thủơ"),
        ("Người", "Ngừơi"),
        ("Khuỷu", "Khủyu"),
        ("Huỳnh", "Hùynh"),
        ("Xoáy", "Xóay"),
        ("Giữa", "Gĩưa"),
    ],
)
def test_a_tone_mark_on_the_wrong_vowel_is_read_where_it_belongs(one, other):
    assert p(one) == p(other)


def test_names_already_in_the_convention_keep_their_pseudonyms():
    """Pseudonyms landed before tone placement was canonicalised, for names written in the
    convention it keeps (the tone on the first vowel of an open oa / oe / uy, as in 'Khánh Hòa')."""
    assert p("Nguyễn Thị Thủy") == "7d6dc63393604a1e9e4d647b526a354b"
    assert p("Lê Khánh Hòa") == "c1642d2539a1321d13bde8a3dffe1007"
    assert p("Hoàng Văn Khỏe") == "b5133ffe6b9a2a6335776583bee942aa"
    assert p("Huỳnh Quý Giang") == "7f1c4dc2e405c3d94a88308bf4ac72c0"
    assert p("Trần Thị Thu Hà") == "532f5c745b2f04e3716f002515034221"
    assert p("056123456789") == "16d2d2e58f773ffe356be9359553f5ab"
    assert p("Nguyễn Thị Thuỷ") == p("Nguyễn Thị Thủy") and p("Lê Khánh Hoà") == p("Lê Khánh Hòa")


_LETTERS = sorted(
    {unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in ("",) + TONES} | set("bcdđghklmnpqrstvx")
)


def _without_tones(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text) if c not in TONES))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from(_LETTERS), min_size=1, max_size=7), min_size=1, max_size=4))
def test_canonical_placement_only_moves_tones(words):
    """Whatever the letters: the letters and the tones stay, only where a tone sits may change, and
    canonicalising twice changes nothing more."""
    name = " ".join(words)
    canonical = canonical_text(name)
    assert _without_tones(canonical) == _without_tones(name)
    tones = lambda s: sorted(c for c in unicodedata.normalize("NFD", s) if c in TONES)  # noqa: E731
    assert tones(canonical) == tones(name)
    assert canonical_text(canonical) == canonical


# -- invisible characters, Ð, ID numbers ------------------------------------------------------------


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060"],
    ids=["zwsp", "zwnj", "zwj", "bom", "soft-hyphen", "word-joiner"],
)
def test_invisible_characters_are_ignored(invisible):
    assert p(f"Ngu{invisible}yễn Văn An") == p("Nguyễn Văn An") == p(f"{invisible}Nguyễn Văn An{invisible}")
    assert p(f"056{invisible}123456789") == p("056123456789")


@pytest.mark.parametrize("eth", ["\u00d0", "\u00f0", "\u0189", "\u0256"])
def test_a_d_with_stroke_look_alike_is_d_with_stroke(eth):
    assert p(f"{eth}ặng Văn An") == p("Đặng Văn An") == p("đặng văn an")
    assert p("Đặng Văn An") != p("Dặng Văn An")


@pytest.mark.parametrize(
    "written",
    [
        "056-123-456-789",
        "056 123 456 789",
        "056.123.456.789",
        " 056123456789 ",
        "０５６１２３４５６７８９",
        "０５６－１２３－４５６－７８９",
        "056\u2013123\u2013456\u2013789",
        "056\u00a0123\u00a0456\u00a0789",
    ],
)
def test_an_id_number_written_with_separators_or_full_width_digits_is_one_number(written):
    assert p(written) == p("056123456789")


def test_different_id_numbers_and_names_with_digits_stay_apart():
    assert p("056-123-456-789") != p("056-123-456-788")
    assert p("B1234567") == p("b 123-4567") != p("C1234567")
    assert p("Nguyễn Văn An") != p("Nguyễn Văn-An")


def test_ascii_text_takes_the_short_way_to_the_same_form():
    for text in ("056-123-456-789", "Nguyen  Van An", "B 123-4567", "a-b", "--", " x ", "12 34 ab", "HOA"):
        general = hmac.new(SANDBOX_KEY.encode(), canonical_text(text).encode(), hashlib.sha256).hexdigest()[:32]
        assert p(text) == general


# -- the key's fingerprint in the landing zone --------------------------------------------------------


def test_the_first_landing_records_the_keys_fingerprint_not_the_key(tmp_path):
    landing = LandingZone(tmp_path)
    key = "a-secret-key-0123456789"
    check_key(landing, "one_stop_shop", Pseudonymiser(key))
    path = tmp_path / "_state" / KEY_STATE[0] / f"{KEY_STATE[1]}.json"
    recorded = json.loads(path.read_text())
    assert recorded["key_fingerprint"] == Pseudonymiser(key).fingerprint() != Pseudonymiser("other").fingerprint()
    assert recorded["recorded_by"] == "one_stop_shop" and recorded["canonical_form"] >= 2
    assert key not in path.read_text() and Pseudonymiser(key)(key) not in path.read_text()
    assert "0123456789" not in repr(Pseudonymiser(key))
    check_key(landing, "cadre", Pseudonymiser(key))  # the same key: every source lands
    assert json.loads(path.read_text()) == recorded


def test_a_changed_key_stops_the_landing_naming_the_source_and_what_to_do(tmp_path):
    landing = LandingZone(tmp_path)
    check_key(landing, "one_stop_shop", Pseudonymiser("the-key-it-was-built-with"))
    with pytest.raises(PseudonymisationKeyError) as caught:
        check_key(landing, "cadre", Pseudonymiser("a-new-key"))
    message = str(caught.value)
    assert message.startswith("cadre: PAR_PSEUDONYMISATION_KEY is not the key")
    assert "SECURITY.md" in message and "rotat" in message and str(tmp_path) in message
    assert "a-new-key" not in message and "the-key-it-was-built-with" not in message


def test_a_landing_zone_pseudonymised_under_another_canonical_form_stops_the_landing(tmp_path):
    landing = LandingZone(tmp_path)
    key = Pseudonymiser("k")
    check_key(landing, "one_stop_shop", key)
    state = landing.read_state(*KEY_STATE)
    landing.write_state(*KEY_STATE, {**state, "canonical_form": 1})
    with pytest.raises(PseudonymisationKeyError, match=r"one_stop_shop: .*canonical form 1.*SECURITY.md"):
        check_key(landing, "one_stop_shop", key)


def test_the_landing_assets_stop_on_a_changed_key_and_land_nothing(tmp_path):
    import dataclasses

    from dagster import build_asset_context

    from orchestration.ingestion import cadre_landing, one_stop_shop_landing
    from orchestration.settings import load_settings
    from orchestration.sources import CadreSource, OneStopShopSource
    from tests.support.one_stop_shop_payloads import dossier, write_ndjson

    export = write_ndjson(tmp_path / "export.ndjson", [dossier()])
    landing = LandingZone(tmp_path / "landing")

    def settings(key):
        return dataclasses.replace(
            load_settings(),
            data_dir=tmp_path,
            landing_dir=landing.root,
            one_stop_shop_export=export,
            cadre_export=tmp_path / "not-read.xlsx",
            pseudonymisation_key=key,
        )

    def land_one_stop_shop(key):
        context = build_asset_context(partition_key="2022-01-10")
        return one_stop_shop_landing(context, one_stop_shop_source=OneStopShopSource(settings(key)), landing=landing)

    land_one_stop_shop("the-key-it-was-built-with")
    landed = sorted(landing.root.rglob("*.parquet"))
    assert landed and landing.read_state(*KEY_STATE)["recorded_by"] == "one_stop_shop"
    with pytest.raises(PseudonymisationKeyError, match="^one_stop_shop: PAR_PSEUDONYMISATION_KEY is not the key"):
        land_one_stop_shop("a-new-key")
    with pytest.raises(PseudonymisationKeyError, match="^cadre: PAR_PSEUDONYMISATION_KEY is not the key"):
        cadre_landing(
            build_asset_context(partition_key="2022-01-10"),
            cadre_source=CadreSource(settings("a-new-key")),
            landing=landing,
        )
    assert sorted(landing.root.rglob("*.parquet")) == landed
