"""The stall rule: lumps and process pauses are not a lost device; a silent device is."""

from __future__ import annotations

from trainer.audio.stall import STALL_S, StallClock


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def watch(stall: StallClock, clock: Clock, seconds: float, *, every: float = 0.25) -> bool:
    """Advance time by `seconds`, checking every `every` s; True if any check said stalled."""
    stalled = False
    end = clock.now + seconds
    while clock.now < end - 1e-9:
        clock.now += every
        stalled = stalled or stall.stalled()
    return stalled


def test_two_second_lumps_between_callbacks_are_never_a_stall():
    clock = Clock()
    stall = StallClock(clock=clock)
    for _ in range(20):
        assert not watch(stall, clock, 2.0)
        stall.beat()


def test_no_callback_for_longer_than_the_limit_is_a_stall():
    clock = Clock()
    stall = StallClock(clock=clock)
    assert not watch(stall, clock, STALL_S - 0.5)
    assert watch(stall, clock, 1.0)


def test_a_paused_process_is_not_a_stall_however_long_the_pause():
    clock = Clock()
    stall = StallClock(clock=clock)
    watch(stall, clock, 1.0)
    clock.now += 30.0  # SIGSTOP ... SIGCONT: neither the callback nor the watcher ran
    assert not stall.stalled()
    stall.beat()
    assert not watch(stall, clock, 2.0)


def test_after_a_pause_a_device_that_stays_silent_is_still_found():
    clock = Clock()
    stall = StallClock(clock=clock)
    clock.now += 10.0
    assert not stall.stalled()
    assert watch(stall, clock, STALL_S + 0.5)
