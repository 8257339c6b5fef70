import pytest

from replies.normalize import STEPS, Normalizer, parse_amount


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return Normalizer(vocabulary=frozenset({"ongkir", "garansi", "refund", "medan"}))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("halooo kakkk", "halo kak"),
        ("brp ongkos kirim ke medan?", "berapa ongkir ke medan ?"),
        ("HRG nya brp SIS", "harga nya berapa kak"),
        ("udh tf blm dicek", "sudah transfer belum dicek"),
        ("ga sampe2 gimana sihhh", "gak sampai gimana sih"),
        ("cek INV-0099 dong", "cek nopesanan dong"),
        ("harganya 150rb ya", "harga nominal ya"),
        ("kecewa 😡😡", "kecewa marah marah"),
        ("makasih 🙏✨", "makasih"),
        ("👍👍", "oke oke"),
        ("ready kak 👍", "ready kak"),
        ("garansinya brp lama", "garansi berapa lama"),
        ("ongkri ke medan", "ongkir ke medan"),
        ("thank you so much", "thanks so much"),
    ],
)
def test_normalise_informal_text(norm: Normalizer, raw: str, expected: str) -> None:
    assert norm.text(raw) == expected


@pytest.mark.parametrize(
    "raw, amount",
    [("150rb", 150_000), ("harga 89k ya", 89_000), ("1,5jt", 1_500_000), ("2 juta", 2_000_000), ("tanpa angka", None)],
)
def test_parse_amount(raw: str, amount: int | None) -> None:
    assert parse_amount(raw) == amount


def test_each_step_can_be_switched_off() -> None:
    text = "Brp ONGKIR halooo 😡"
    full = Normalizer().tokens(text)
    assert full == ["berapa", "ongkir", "halo", "marah"]
    assert "brp" in Normalizer(frozenset(STEPS) - {"slang"}).tokens(text)
    assert "halooo" in Normalizer(frozenset(STEPS) - {"squeeze"}).tokens(text)
    assert "marah" not in Normalizer(frozenset(STEPS) - {"emoji"}).tokens(text)
