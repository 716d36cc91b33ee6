"""The demo's calendar: its documents are written through the services, which date what they
do by the clock (audit times, review decisions, shipping, numbers, the daily facts). To give
a year of documents their own days, the demo runs each step with the clock set to that day.

A document's story is a generator that yields the day of its next step; `stories_play` runs
all stories in calendar order, so that numbers, audit trails and facts follow the days.
"""

import heapq
import itertools
from collections.abc import Generator, Iterable
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from unittest import mock

from django.utils import timezone

Story = Generator[date, None, None]


@contextmanager
def demo_clock(day: date, *, start: time = time(9, 0)):
    """Within the block the services see the company's `day`, from `start` on (each reading
    of the clock a second later, so that what happens keeps its order). Today keeps the real
    time: nothing is written in the future."""
    if day >= timezone.localdate():
        yield
        return
    moment = timezone.make_aware(datetime.combine(day, start))
    ticks = itertools.count()

    def now() -> datetime:
        return moment + timedelta(seconds=next(ticks))

    with mock.patch("django.utils.timezone.now", now):
        yield


def stories_play(stories: Iterable[Story]) -> None:
    """Run the stories' steps in the order of their days (a story stops at a day to come)."""
    today = timezone.localdate()
    queue: list[tuple[date, int, Story]] = []
    for index, story in enumerate(stories):
        day = next(story, None)  # a story starts with the day of its first step
        if day is not None and day <= today:
            heapq.heappush(queue, (day, index, story))
    step = 0
    while queue:
        day, index, story = heapq.heappop(queue)
        step += 1
        # Spread the day's steps over office hours, in the order they come.
        with demo_clock(day, start=time(9 + (step % 8), (step * 7) % 60)):
            following = next(story, None)
        if following is not None and following <= today:
            heapq.heappush(queue, (max(following, day), index, story))
        elif following is not None:
            story.close()


def story_play(story: Story) -> None:
    stories_play([story])
