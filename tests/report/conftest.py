"""A week of practice in a fresh history (see week.py), and its report."""

from __future__ import annotations

import pytest

from tests.report.week import GOAL, NOW, TZ, build_week


@pytest.fixture
def week_store(lv_home):
    from trainer.store import open_store

    with open_store() as store:
        week = build_week(store)
        yield store, week


@pytest.fixture
def week_period():
    from trainer.report import period_from

    return period_from(today=NOW.astimezone(TZ).date(), tz=TZ, days=7)


@pytest.fixture
def week_content(week_store, week_period):
    from trainer.report import drill_infos, gather

    store, _week = week_store
    return gather(store, week_period, now=NOW, drills=drill_infos(store), goal_minutes=GOAL)
