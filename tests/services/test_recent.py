from __future__ import annotations

from deckchat.services.recent import Recent


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_entries_are_forgotten_after_their_time() -> None:
    clock = Clock()
    recent: Recent[str, int] = Recent(2.0, 10, clock)
    recent.put("a", 1)
    clock.now += 1.9
    assert recent.get("a") == 1
    clock.now += 0.1
    assert recent.get("a") is None and len(recent) == 0


def test_the_oldest_entries_make_room() -> None:
    recent: Recent[int, int] = Recent(60.0, 3, Clock())
    for key in range(5):
        recent.put(key, key * 10)
    assert [recent.get(key) for key in range(5)] == [None, None, 20, 30, 40]


def test_a_value_looked_up_before_a_clear_is_not_kept() -> None:
    recent: Recent[str, str] = Recent(60.0, 10, Clock())
    before = recent.generation
    recent.clear()  # a change lands while the old value is being read
    recent.put("image", "old facts", before)
    assert recent.get("image") is None
    recent.put("image", "new facts", recent.generation)
    assert recent.get("image") == "new facts"


def test_no_time_to_live_keeps_nothing() -> None:
    recent: Recent[str, int] = Recent(0.0, 10, Clock())
    recent.put("a", 1)
    assert recent.get("a") is None
