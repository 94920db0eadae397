"""The in-process hub: filters, encode-once fan-out, bounded queues that cut the slow, and pings."""
from __future__ import annotations

import asyncio
import time

import pytest

from server.events.frames import PING, RESIDENT, STAFF
from server.events.hub import Filter, Hub


def event(seq: int, **fields: object) -> dict[str, object]:
    base = {"seq": seq, "type": "case.accept", "case_id": "c1", "site": "BL-TX-001", "community": "天鑫社区",
            "team": "TX-WG", "status": "accepted", "created_at": "2026-11-27T01:00:00.000Z"}
    return {**base, **fields}


async def test_a_subscriber_gets_the_events_its_filter_matches_in_order() -> None:
    async with Hub(queue_max=10, ping_s=60) as hub:
        team = hub.subscribe(Filter(team="TX-WG"), STAFF)
        site = hub.subscribe(Filter(site="BL-LT-001"), STAFF)
        both = hub.subscribe(Filter(community="天鑫社区", team="BL-DY"), STAFF)
        everyone = hub.subscribe(Filter(), STAFF)
        hub.publish([event(1), event(2, site="BL-LT-001", community="龙腾社区", team="LT-WG"),
                     event(3, team="BL-DY")])
        assert [f.seq for f in await team.next()] == [1]
        assert [f.seq for f in await site.next()] == [2]
        assert [f.seq for f in await both.next()] == [3]
        assert [f.seq for f in await everyone.next()] == [1, 2, 3]


async def test_each_event_is_encoded_once_and_the_bytes_are_shared() -> None:
    async with Hub(queue_max=10, ping_s=60) as hub:
        subs = [hub.subscribe(Filter(), STAFF) for _ in range(3)]
        hub.publish([event(7)])
        frames = [(await s.next())[0] for s in subs]
        assert all(f.data is frames[0].data for f in frames)
        assert frames[0].data == (
            'id: 7\nevent: case.accept\ndata: {"seq":7,"type":"case.accept","case_id":"c1","site":"BL-TX-001",'
            '"community":"天鑫社区","team":"TX-WG","status":"accepted","time":"2026-11-27T01:00:00.000Z"}\n\n'
        ).encode()


async def test_fields_outside_the_view_never_reach_a_stream() -> None:
    async with Hub(queue_max=10, ping_s=60) as hub:
        staff = hub.subscribe(Filter(), STAFF)
        resident = hub.subscribe(Filter(case_id="c1"), RESIDENT)
        hub.publish([event(1, contact={"phone": "13800000000"}, actor={"name": "张敏"}, payload={"text": "x"})])
        staff_data, resident_data = [(await sub.next())[0].data.decode() for sub in (staff, resident)]
        for data in (staff_data, resident_data):
            assert "13800000000" not in data and "张敏" not in data and "payload" not in data
        assert resident_data == ('id: 1\nevent: case.accept\ndata: {"seq":1,"type":"case.accept","status":"accepted",'
                                 '"time":"2026-11-27T01:00:00.000Z"}\n\n')


async def test_a_resident_stream_carries_only_the_steps_of_its_own_case() -> None:
    async with Hub(queue_max=10, ping_s=60) as hub:
        resident = hub.subscribe(Filter(case_id="c1"), RESIDENT)
        staff = hub.subscribe(Filter(), STAFF)
        hub.publish([event(1, type="case.note"), event(2, type="case.conflict"), event(3, type="case.set"),
                     event(4, type="case.photo"), event(5, case_id="c2"), event(6, type="case.resolve")])
        assert [f.seq for f in await resident.next()] == [6]
        assert [f.seq for f in await staff.next()] == [1, 2, 3, 4, 5, 6]


async def test_a_missing_time_is_stamped_and_a_bad_event_is_refused() -> None:
    async with Hub(queue_max=10, ping_s=60) as hub:
        sub = hub.subscribe(Filter(), RESIDENT)
        hub.publish([{k: v for k, v in event(1).items() if k != "created_at"}])
        assert b'"time":"20' in (await sub.next())[0].data
        for bad in (event(0), event(2, type="case.note\ndata: forged"), event(2, type="hello"), {"type": "x"}):
            with pytest.raises(ValueError):
                hub.publish([bad])


async def test_a_slow_subscriber_is_cut_loose_and_publish_never_waits() -> None:
    async with Hub(queue_max=50, ping_s=60) as hub:
        slow = hub.subscribe(Filter(), STAFF)  # nobody ever reads it
        fast = hub.subscribe(Filter(), STAFF)
        received: list[int] = []

        async def read() -> None:
            while frames := await fast.next():
                received.extend(f.seq for f in frames if f.seq is not None)

        reader = asyncio.create_task(read())
        started = time.perf_counter()
        for seq in range(1, 1001):
            hub.publish([event(seq)])
            if seq % 10 == 0:
                await asyncio.sleep(0)  # the fast reader keeps up between bursts
        elapsed = time.perf_counter() - started
        assert slow.closed and slow.cut and hub.cut_count == 1
        assert await slow.next() == []
        assert not fast.closed and hub.subscriber_count == 1
        fast.close()
        await reader
        assert received == list(range(1, 1001))
        assert elapsed < 1.0


async def test_closing_leaves_the_hub_and_wakes_the_waiting_reader() -> None:
    async with Hub(queue_max=10, ping_s=60) as hub:
        sub = hub.subscribe(Filter(case_id="c1"), RESIDENT)
        waiting = asyncio.create_task(sub.next())
        await asyncio.sleep(0)
        sub.close()
        assert await waiting == [] and hub.subscriber_count == 0
        hub.publish([event(1)])  # nobody left to deliver to: no error
        sub.close()


async def test_pings_reach_every_subscriber_and_closing_the_hub_ends_all_streams() -> None:
    async with Hub(queue_max=10, ping_s=0.02) as hub:
        subs = [hub.subscribe(Filter(team=t), STAFF) for t in ("TX-WG", "BL-DY")]
        for sub in subs:
            assert await asyncio.wait_for(sub.next(), 1) == [PING]
    assert all(s.closed and not s.cut for s in subs)
    assert hub.subscribe(Filter(), STAFF).closed  # a stream that arrives while stopping ends at once
