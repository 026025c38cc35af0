"""HashSet behaves as a Python set of ints."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from oms.core.hashset import HashSet


@given(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=300))
def test_like_a_set(values: list[int]) -> None:
    ours, reference = HashSet(), set()
    for v in values:
        assert ours.add(v) is (v not in reference)
        reference.add(v)
        assert v in ours
    assert len(ours) == len(reference)


def test_many_string_hashes_through_growth() -> None:
    ours = HashSet()
    keys = [f"E{n:08d}" for n in range(50_000)]
    assert all(ours.add(hash(k)) for k in keys)
    assert len(ours) == 50_000
    assert not any(ours.add(hash(k)) for k in random.Random(1).sample(keys, 1000))
    assert hash("not there") not in ours and 0 not in ours
