"""The reservation index against a brute force: which plans hold any of a set of keys."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from airspace.grid import LOWEST_LAYER, Key, ReservedKeys
from airspace.model import FlightPlan
from airspace.store.index import ReservationIndex
from tests.store.test_store_contract import OPERATOR, crossing

CELLS = (0x8841A9C3A3FFFFF, 0x8841A9C3A7FFFFF, 0x8841A9C3B5FFFFF)
keys = st.frozensets(
    st.tuples(
        st.sampled_from(CELLS),
        st.integers(LOWEST_LAYER - 3, 70),
        st.integers(14_000_000, 14_000_003),
    ),
    max_size=40,
)


def plan(plan_id: str) -> FlightPlan:
    return replace(crossing(plan_id), flight_plan_id=plan_id, operator_id=OPERATOR.subject_id)


def brute_force(
    held: dict[str, frozenset[Key]], query: frozenset[Key], any_layer: bool
) -> set[str]:
    def column(k: Key) -> tuple[int, int]:
        return k[0], k[2]

    if any_layer:
        wanted = {column(k) for k in query}
        return {i for i, ks in held.items() if any(column(k) in wanted for k in ks)}
    return {i for i, ks in held.items() if ks & query}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(keys, min_size=1, max_size=6),
    keys,
    st.booleans(),
    st.sets(st.integers(0, 5)),
)
def test_holding_matches_the_brute_force(
    held_keys: list[frozenset[Key]], query: frozenset[Key], any_layer: bool, released: set[int]
) -> None:
    index = ReservationIndex()
    held = {f"p{i}": ks for i, ks in enumerate(held_keys)}
    for plan_id, ks in held.items():
        index.put(plan(plan_id), ReservedKeys.of(ks))
    for i in released:
        index.release(f"p{i}")
        held.pop(f"p{i}", None)
    found = {p.flight_plan_id for p in index.holding(query, any_layer=any_layer)}
    expected = brute_force(held, query, any_layer)
    if all(layer >= LOWEST_LAYER for _, layer, _ in query) and all(
        layer >= LOWEST_LAYER for ks in held.values() for _, layer, _ in ks
    ):
        assert found == expected
    else:  # layers below the lowest told apart are one: a superset, never fewer
        assert found >= expected
    for plan_id in held:
        index.release(plan_id)
    assert index.holding(query, any_layer=True) == []
    assert not index._columns


def test_putting_new_keys_replaces_the_old_ones() -> None:
    index = ReservationIndex()
    first = ReservedKeys.of({(CELLS[0], 3, 10)})
    second = ReservedKeys.of({(CELLS[1], 3, 10)})
    index.put(plan("a"), first)
    index.put(plan("a"), second)
    assert index.holding(first) == []
    assert [p.flight_plan_id for p in index.holding(second)] == ["a"]
    assert index.keys_of("a") == second
    assert index.count_of(OPERATOR.subject_id) == 1


@settings(max_examples=200, deadline=None)
@given(keys, st.tuples(st.sampled_from(CELLS), st.integers(LOWEST_LAYER, 70), st.integers(0, 3)))
def test_reserved_keys_hold_by_column_exactly_the_keys_given(
    given_keys: frozenset[Key], probe: Key
) -> None:
    reserved = ReservedKeys.of(given_keys)
    # Layers below the lowest told apart count as it.
    expected = {(cell, max(layer, LOWEST_LAYER), bucket) for cell, layer, bucket in given_keys}
    assert set(reserved) == expected
    assert len(reserved) == len(expected)
    assert bool(reserved) == bool(expected)
    assert all(key in reserved for key in expected)
    shifted = (probe[0], probe[1], probe[2] + 14_000_000)
    assert (shifted in reserved) == (shifted in expected)
    assert reserved.cells() == {cell for cell, _, _ in expected}
    assert reserved == ReservedKeys.of(expected)
