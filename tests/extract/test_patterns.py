"""Money amounts in the forms real documents use, as a decimal with its ISO 4217 currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.patterns import find_amounts

AMOUNTS = [
    ("€1 billion", "1000000000", "EUR"),
    ("£2 million", "2000000", "GBP"),
    ("£2.5bn", "2500000000", "GBP"),
    ("C$4.4 million", "4400000", "CAD"),
    ("CA$500,000", "500000", "CAD"),
    ("US$ 25m", "25000000", "USD"),
    ("EUR 138 million", "138000000", "EUR"),
    ("A$940 million", "940000000", "AUD"),
    ("S$300 million", "300000000", "SGD"),
    ("₹6,003 crore", "60030000000", "INR"),
    ("Rs. 6,003.65 crore", "60036500000", "INR"),
    ("R54 million", "54000000", "ZAR"),
    ("R 2 million", "2000000", "ZAR"),
    ("50 million rand", "50000000", "ZAR"),
    ("360 million Canadian dollars", "360000000", "CAD"),
    ("2 billion US dollars", "2000000000", "USD"),
    ("3 billion euros", "3000000000", "EUR"),
    ("DKK 1.5 billion", "1500000000", "DKK"),
    ("SEK 1 billion", "1000000000", "SEK"),
    ("49 billion won", "49000000000", "KRW"),
    ("10 million Swiss francs", "10000000", "CHF"),
    ("₪100 million", "100000000", "ILS"),
    ("NIS 115 million", "115000000", "ILS"),
    ("R$ 5 million", "5000000", "BRL"),
]


@pytest.mark.parametrize(("text", "value", "currency"), AMOUNTS)
def test_amounts_in_every_common_form(text: str, value: str, currency: str) -> None:
    """Regression: rupees and crore, CA$, and 'Canadian dollars' (read as USD) were missed or wrong."""
    [amount] = find_amounts(f"The programme receives {text} over five years.")
    assert (amount.value, amount.currency) == (Decimal(value), currency)
