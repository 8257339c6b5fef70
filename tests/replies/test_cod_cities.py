"""COD asked for a city: "Bisa COD" only where the pack's `cod_cities` reach, an honest no elsewhere."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import yaml

from replies import Action, ReplyEngine, Turn, load_brand_pack
from replies.voice import DEFAULT_PACK

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB


@pytest.mark.parametrize(("text", "yes"), [
    ("bisa cod ke bandung kak?", True),
    ("cod bisa?", True),  # no city named: the pack's COD answer, with where it reaches
    ("bisa cod ke medan kak?", False),  # a city with a rate, out of COD's reach
    ("bisa cod ke ruteng ga?", False),  # a place with no rate at all
    ("Can I pay COD in Makassar?", False),
])
def test_cod_is_promised_only_where_it_reaches(text, yes) -> None:
    decision = ReplyEngine.default().decide(Turn(text, NOON))
    assert decision.action is Action.AUTO_REPLY, decision.reason
    assert ("Bisa COD" in decision.reply) is yes, decision.reply
    if not yes:
        assert "Jabodetabek" in decision.reply or "Greater Jakarta" in decision.reply  # where it does reach


def test_a_packs_own_no_cod_answer(tmp_path) -> None:
    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    data["intents"]["payment"]["no_cod"] = {"id": ["Ke {{ city }} belum bisa COD ya {{ honorific }}, transfer dulu 🙏"],
                                            "en": ["No COD to {{ city }} yet, sorry 🙏"]}
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    reply = ReplyEngine(load_brand_pack(path)).decide(Turn("bisa cod ke medan?", NOON)).reply
    assert "Ke Medan belum bisa COD ya kak, transfer dulu" in reply
