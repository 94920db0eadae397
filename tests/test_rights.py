"""Who may do what, mutation by mutation."""
import pytest

from sync.actor import INTEGRATION, KIOSK, RESIDENT, STAFF, Actor
from sync.names import CHANNEL, FIELD, MUTATIONS, E, M
from sync.rights import (channel_for, create_refusal, dispatch_refusal, field_refusal, records_intake, refusal,
                         replays_record)

OWNER = "a" * 32
CASE = {"created_by_client": OWNER, "team": "T1", "assignee": 7}
RESIDENT_ACTOR = Actor(RESIDENT, OWNER)
STRANGER = Actor(RESIDENT, "b" * 32)
KIOSK_ACTOR = Actor(KIOSK, OWNER, site="S1")
FIELD_T1 = Actor(STAFF, "c" * 32, user_id=2, role="field", team="T1")
FIELD_T2 = Actor(STAFF, "c" * 32, user_id=3, role="field", team="T2")
FIELD_ASSIGNED = Actor(STAFF, "c" * 32, user_id=7, role="field", team="T2")
DISPATCHER = Actor(STAFF, "d" * 32, user_id=1, role="dispatcher")
ADMIN = Actor(STAFF, "e" * 32, user_id=9, role="admin")
OPEN311_KEY = Actor(INTEGRATION, "f" * 32, username="城市应用", channel=CHANNEL.open311)
HOTLINE = Actor(INTEGRATION, "0" * 32, username="12345", channel=CHANNEL._12345)
ON_CASES = [m for m in MUTATIONS if m != M.create]


@pytest.mark.parametrize("name", ON_CASES)
def test_residents_and_kiosks_rate_withdraw_and_note_their_own_cases(name: str) -> None:
    allowed = name in (M.rate, M.withdraw, M.note)
    for actor in (RESIDENT_ACTOR, KIOSK_ACTOR):
        assert (refusal(actor, name, CASE) is None) == allowed
    assert refusal(STRANGER, name, CASE) is not None


@pytest.mark.parametrize("name", ON_CASES)
def test_field_staff_work_their_teams_or_their_own_cases(name: str) -> None:
    allowed = name in (M.start, M.resolve, M.note, M.photo, M.set, M.return_)
    assert (refusal(FIELD_T1, name, CASE) is None) == allowed
    assert (refusal(FIELD_ASSIGNED, name, CASE) is None) == allowed
    assert refusal(FIELD_T2, name, CASE) is not None


@pytest.mark.parametrize("name", ON_CASES)
def test_dispatchers_and_admins_do_all_but_the_residents_and_the_hotlines_acts(name: str) -> None:
    for actor in (DISPATCHER, ADMIN):
        assert (refusal(actor, name, CASE) is None) == (name not in (M.rate, M.withdraw, M.transfer))


def test_refusals_carry_a_code_and_a_chinese_message() -> None:
    code, message = refusal(STRANGER, M.note, CASE)  # type: ignore[misc]
    assert code == E.forbidden and message


def test_channels_and_sites_of_new_reports() -> None:
    assert channel_for(RESIDENT_ACTOR, None) == CHANNEL.qr
    assert channel_for(KIOSK_ACTOR, None) == CHANNEL.kiosk
    assert channel_for(RESIDENT_ACTOR, CHANNEL.kiosk)[0] == E.forbidden  # type: ignore[index]
    assert channel_for(DISPATCHER, None) == CHANNEL.field
    assert channel_for(DISPATCHER, CHANNEL.open311) == CHANNEL.open311
    assert channel_for(DISPATCHER, CHANNEL.qr)[0] == E.invalid_args  # type: ignore[index]
    assert channel_for(FIELD_T1, None)[0] == E.forbidden  # type: ignore[index]
    assert create_refusal(KIOSK_ACTOR, "S1") is None and create_refusal(KIOSK_ACTOR, "S2") is not None
    assert create_refusal(RESIDENT_ACTOR, "S2") is None


def test_field_staff_write_every_field_but_the_category() -> None:
    for field in FIELD.__dict__.values():
        assert field_refusal(DISPATCHER, field) is None and field_refusal(ADMIN, field) is None
        assert (field_refusal(FIELD_T1, field) is None) == (field != FIELD.category)
    code, message = field_refusal(FIELD_T1, FIELD.category)  # type: ignore[misc]
    assert code == E.forbidden and "类别" in message


@pytest.mark.parametrize("name", ON_CASES)
def test_an_open311_key_only_creates_and_the_hotline_acts_on_its_own_work_orders(name: str) -> None:
    hotline_order = {**CASE, "channel": CHANNEL._12345}
    assert refusal(OPEN311_KEY, name, {**CASE, "channel": CHANNEL.open311}) is not None
    allowed = name in (M.transfer, M.extend, M.accept, M.dispatch, M.resolve, M.reopen, M.rate)
    assert (refusal(HOTLINE, name, hotline_order) is None) == allowed
    assert refusal(HOTLINE, name, {**CASE, "channel": CHANNEL.qr}) is not None
    # 转办 is the hotline's own act: no one else records one.
    if name == M.transfer:
        for actor in (RESIDENT_ACTOR, FIELD_T1, DISPATCHER, ADMIN):
            assert refusal(actor, name, hotline_order) is not None


def test_integrations_create_on_their_own_channel_only() -> None:
    assert channel_for(OPEN311_KEY, None) == CHANNEL.open311
    assert channel_for(HOTLINE, None) == CHANNEL._12345
    assert channel_for(OPEN311_KEY, CHANNEL._12345)[0] == E.forbidden  # type: ignore[index]
    assert channel_for(Actor(INTEGRATION, "1" * 32, channel=None), None)[0] == E.forbidden  # type: ignore[index]
    assert channel_for(RESIDENT_ACTOR, CHANNEL._12345)[0] == E.forbidden  # type: ignore[index]
    assert channel_for(DISPATCHER, CHANNEL._12345)[0] == E.invalid_args  # type: ignore[index]


def test_who_registers_appeals_taken_elsewhere() -> None:
    assert records_intake(DISPATCHER) and records_intake(ADMIN) and records_intake(HOTLINE)
    assert not any(records_intake(a) for a in (RESIDENT_ACTOR, KIOSK_ACTOR, OPEN311_KEY))


def test_residents_kiosks_and_integrations_write_no_field() -> None:
    for field in FIELD.__dict__.values():
        for actor in (RESIDENT_ACTOR, KIOSK_ACTOR, OPEN311_KEY, HOTLINE, Actor(INTEGRATION, "1" * 32, role="admin")):
            assert field_refusal(actor, field) is not None


def test_a_dispatch_that_names_an_assignee_takes_the_assignees_right() -> None:
    hotline_order = {**CASE, "channel": CHANNEL._12345}
    assert dispatch_refusal(DISPATCHER, CASE, "T2", 7) is None
    assert dispatch_refusal(HOTLINE, hotline_order, "T1", None) is None
    assert dispatch_refusal(HOTLINE, hotline_order, "T1", 7)[0] == E.forbidden  # type: ignore[index]
    # The hotline reports a 派遣; the team it goes to is the case's own.
    assert dispatch_refusal(HOTLINE, hotline_order, "T2", None)[0] == E.forbidden  # type: ignore[index]


def test_only_the_hotline_import_replays_another_systems_times() -> None:
    assert replays_record(HOTLINE)
    assert not any(replays_record(a) for a in (RESIDENT_ACTOR, KIOSK_ACTOR, FIELD_T1, DISPATCHER, ADMIN, OPEN311_KEY))
