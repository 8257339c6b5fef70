import pytest

from replies.catalog import order_numbers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("resi INV-0099 mana kak", ["INV-0099"]),
        ("resi inv 0099 mana kak", ["inv-0099"]),
        ("cek ORD12345 dong", ["ORD12345"]),
        ("pesanan #2411230001 udah dikirim?", ["2411230001"]),
        ("wa saya 081234567890", []),  # a phone number, not an order
        ("ongkir ke 12 kota?", []),
    ],
)
def test_order_numbers_as_customers_type_them(text, expected):
    assert order_numbers(text) == expected
