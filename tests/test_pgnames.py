"""PostgreSQL's identifier rules: truncation to 63 bytes and makeObjectName's choice of names."""

from __future__ import annotations

from migrator.pgnames import choose_name, join_column_names, make_object_name, truncate


def test_truncation_counts_bytes_and_never_splits_a_character() -> None:
    assert truncate("a" * 70) == "a" * 63
    assert truncate("é" * 40) == "é" * 31  # 62 bytes: the 32nd é would straddle the limit
    assert truncate("short") == "short"
    assert truncate("abcdef", 4) == "abcd"


def test_the_longer_name_is_clipped_first() -> None:
    assert make_object_name("users", "email", "key") == "users_email_key"
    name = make_object_name("t" * 40, "c" * 40, "key")
    assert len(name.encode()) == 63 and name == "t" * 29 + "_" + "c" * 29 + "_key"
    assert make_object_name("orders", None, "pkey") == "orders_pkey"


def test_collisions_are_numbered() -> None:
    assert choose_name("t", "a", "key", {"t_a_key"}) == "t_a_key1"
    assert choose_name("t", "a", "key", {"t_a_key", "t_a_key1"}) == "t_a_key2"


def test_column_names_join_until_they_would_be_cut() -> None:
    assert join_column_names(["a", "b"]) == "a_b"
    assert len(join_column_names(["x" * 30] * 5).encode()) < 64 + 31
