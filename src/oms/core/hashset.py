"""A set of 64-bit hashes in one flat array: 8-16 bytes an entry where a Python set of ints takes
about 60. An import remembers the hash of every order id it has seen (to find an order whose rows are
scattered through the file); at a million orders that is 16 MB here instead of 60 MB."""

from __future__ import annotations

from array import array


class HashSet:
    """Open addressing with linear probing; 0 marks an empty slot (the hash 0 is kept aside)."""

    def __init__(self, capacity: int = 1024) -> None:
        size = 1024
        while size < capacity * 2:
            size *= 2
        self._slots = array("q", bytes(8 * size))
        self._mask = size - 1
        self._count = 0
        self._has_zero = False

    def __len__(self) -> int:
        return self._count + self._has_zero

    def add(self, value: int) -> bool:
        """Add a hash; True if it was not there yet."""
        if value == 0:
            new = not self._has_zero
            self._has_zero = True
            return new
        value = ((value + 2**63) % 2**64) - 2**63  # any int into the signed 64-bit range
        slots, mask = self._slots, self._mask
        i = value & mask
        while True:
            held = slots[i]
            if held == 0:
                break
            if held == value:
                return False
            i = (i + 1) & mask
        slots[i] = value
        self._count += 1
        if self._count * 2 > mask:
            self._grow()
        return True

    def __contains__(self, value: int) -> bool:
        if value == 0:
            return self._has_zero
        value = ((value + 2**63) % 2**64) - 2**63
        slots, mask = self._slots, self._mask
        i = value & mask
        while True:
            held = slots[i]
            if held == 0:
                return False
            if held == value:
                return True
            i = (i + 1) & mask

    def _grow(self) -> None:
        old = self._slots
        size = len(old) * 2
        self._slots = slots = array("q", bytes(8 * size))
        self._mask = mask = size - 1
        for value in old:
            if value:
                i = value & mask
                while slots[i]:
                    i = (i + 1) & mask
                slots[i] = value
