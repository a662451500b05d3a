"""The contact's page: confirm or dispute through the link; every refusal changes nothing."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from agencies.models import Enrollment
from confirmations.models import ConfirmationLink, Dispute
from confirmations.services import link_revoke
from hours import services
from hours.models import PersonalHours
from ledger.models import LedgerEntry
from tests.factories import OrganizationFactory

from .conftest import snapshot

pytestmark = pytest.mark.django_db

OPEN = "/confirm/"
ANSWER = "/confirm/answer/"


def answer(client, token, *, name="Ana Ruiz", **decisions):
    """decisions: {entry: "confirm"} or {entry: ("dispute", words)}."""
    body = {"token": token, "typed_name": name}
    for entry, decision in decisions.items():
        pk = int(entry.removeprefix("e"))
        if isinstance(decision, tuple):
            decision, words = decision
            body[f"words-{pk}"] = words
        body[f"decision-{pk}"] = decision
    return client.post(ANSWER, body)


def test_the_page_without_a_token_shows_only_the_code_form(anonymous):
    response = anonymous().get(OPEN)
    assert response.status_code == 200
    assert b'name="token"' in response.content and b"HR Manual section 2119" in response.content
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"


def test_the_token_opens_the_links_entries_without_the_notes(
    contact, employee, log_hours, send, anonymous
):
    entry = log_hours(employee, 2, 10, notes="Met at the public library")
    token = send()

    response = anonymous().post(OPEN, {"token": token})

    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    page = response.content.decode()
    assert employee.user.get_full_name() in page and f'name="decision-{entry.pk}"' in page
    assert "library" not in page


def test_confirming_verifies_through_the_hours_service(
    contact, employee, log_hours, send, anonymous, today
):
    first, second = log_hours(employee, 2, 10), log_hours(employee, 3, 11)
    token = send()
    balance = employee.balances.get(year=today.year)
    assert balance.personal_logged == 5

    response = answer(
        anonymous(REMOTE_ADDR="203.0.113.7"),
        token,
        name="  Ana Ruiz ",
        **{f"e{first.pk}": "confirm"},
    )

    assert response.status_code == 200
    assert b"Confirmed" in response.content
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == PersonalHours.Status.VERIFIED
    assert first.verified_via == PersonalHours.VerifiedVia.ORGANIZATION_LINK
    assert first.verified_by_name == "Ana Ruiz" and first.verified_on == today
    assert first.reviewed_by is None
    assert second.status == PersonalHours.Status.LOGGED
    balance.refresh_from_db()
    assert (balance.personal_verified, balance.personal_logged) == (Decimal("2"), Decimal("3"))
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PERSONAL_VERIFIED)
    assert entry.actor is None and entry.subject_id == first.pk
    assert entry.data["verified_via"] == "organization_link"
    assert entry.data["contact_email"] == "ana.ruiz@friendsforyouth.org"
    assert entry.data["contact_id"] == contact.pk
    assert entry.data["client_address"] == "203.0.113.7"
    assert entry.data["at"]
    assert token not in str(entry.data)


def test_confirm_all_confirms_every_waiting_entry(
    contact, employee, log_hours, send, anonymous, today
):
    entries = [log_hours(employee, 1, 10), log_hours(employee, 1.5, 11)]
    token = send()

    response = anonymous().post(
        ANSWER, {"token": token, "typed_name": "Ana Ruiz", "all": "confirm"}
    )

    assert response.status_code == 200
    for entry in entries:
        entry.refresh_from_db()
        assert entry.status == PersonalHours.Status.VERIFIED
    assert employee.balances.get(year=today.year).personal_verified == Decimal("2.5")


def test_a_dispute_leaves_the_entry_waiting_and_shows_the_coordinator_the_words(
    contact, employee, log_hours, send, anonymous, coordinator, client, today
):
    entry = log_hours(employee, 2, 10)
    token = send()

    response = answer(anonymous(), token, **{f"e{entry.pk}": ("dispute", "We met only one hour.")})

    assert response.status_code == 200 and b"Disputed" in response.content
    entry.refresh_from_db()
    assert entry.status == PersonalHours.Status.LOGGED
    dispute = Dispute.objects.get()
    assert (dispute.entry, dispute.contact, dispute.typed_name) == (entry, contact, "Ana Ruiz")
    assert dispute.words == "We met only one hour."
    recorded = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PERSONAL_DISPUTED)
    assert recorded.reason == "We met only one hour." and recorded.d_personal_logged == 0
    assert employee.balances.get(year=today.year).personal_logged == 2
    client.force_login(coordinator)
    queue = client.get("/coordinator/").content.decode()
    assert "We met only one hour." in queue and "Disputed by Ana Ruiz" in queue


def _refused(response, status, before, text=None):
    assert response.status_code == status
    assert response["Referrer-Policy"] == "no-referrer"
    if text:
        assert text in response.content.decode()
    assert snapshot() == before


@pytest.fixture
def waiting(contact, employee, log_hours, send):
    """(entry, token): one entry waiting behind a fresh link."""
    entry = log_hours(employee, 2, 10)
    return entry, send()


def test_a_dispute_needs_words(waiting, anonymous):
    entry, token = waiting
    before = snapshot()
    response = answer(anonymous(), token, **{f"e{entry.pk}": ("dispute", "  ")})
    _refused(response, 200, before, "Say what is wrong")


def test_an_answer_needs_the_typed_name(waiting, anonymous):
    entry, token = waiting
    before = snapshot()
    response = answer(anonymous(), token, name=" ", **{f"e{entry.pk}": "confirm"})
    _refused(response, 400, before, "Type your name")


def test_an_answer_needs_a_decision(waiting, anonymous):
    entry, token = waiting
    before = snapshot()
    _refused(answer(anonymous(), token), 400, before, "Choose confirm or dispute")


@pytest.mark.parametrize("path", [OPEN, ANSWER])
def test_an_altered_or_missing_token_answers_404(waiting, anonymous, path):
    entry, token = waiting
    before = snapshot()
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "", "x" * 500):
        response = anonymous().post(
            path, {"token": wrong, "typed_name": "X", f"decision-{entry.pk}": "confirm"}
        )
        _refused(response, 404, before, "not known")


@pytest.mark.parametrize("path", [OPEN, ANSWER])
def test_an_expired_link_answers_410(waiting, anonymous, path):
    entry, token = waiting
    ConfirmationLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    before = snapshot()
    response = anonymous().post(
        path, {"token": token, "typed_name": "X", f"decision-{entry.pk}": "confirm"}
    )
    _refused(response, 410, before, "expired")


@pytest.mark.parametrize("path", [OPEN, ANSWER])
def test_a_revoked_link_answers_410_even_when_reused(waiting, anonymous, coordinator, path):
    entry, token = waiting
    assert anonymous().post(OPEN, {"token": token}).status_code == 200
    link_revoke(link=ConfirmationLink.objects.get(), by=coordinator)
    before = snapshot()
    response = anonymous().post(
        path, {"token": token, "typed_name": "X", f"decision-{entry.pk}": "confirm"}
    )
    _refused(response, 410, before, "withdrawn")


def test_a_link_lives_for_org_link_ttl_days(contact, employee, log_hours, send, settings):
    settings.ORG_LINK_TTL_DAYS = 3
    log_hours(employee, 2, 10)
    send()
    link = ConfirmationLink.objects.get()
    assert link.expires_at - link.created_at == pytest.approx(
        dt.timedelta(days=3), abs=dt.timedelta(seconds=5)
    )


def test_a_link_never_reaches_other_entries(
    contact, employee, other_employee, log_hours, send, anonymous
):
    entry = log_hours(employee, 2, 10)
    token = send()
    later = log_hours(employee, 1, 11)  # the same organization, but not in this link
    elsewhere = log_hours(other_employee, 1, 11)
    before = snapshot()

    response = answer(
        anonymous(),
        token,
        **{f"e{later.pk}": "confirm", f"e{elsewhere.pk}": "confirm"},
    )

    _refused(response, 400, before, "Choose confirm or dispute")
    response = answer(anonymous(), token, **{f"e{entry.pk}": "confirm", f"e{later.pk}": "confirm"})
    assert response.status_code == 200
    later.refresh_from_db()
    elsewhere.refresh_from_db()
    assert later.status == elsewhere.status == PersonalHours.Status.LOGGED
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PERSONAL_VERIFIED).count() == 1


def test_a_link_never_reaches_another_contacts_organization(
    contact, employee, log_hours, send, anonymous
):
    entry = log_hours(employee, 2, 10)
    token = send()
    other = ConfirmationLink.objects.get()
    # Even if a link somehow listed an entry of another organization, it does not reach it.
    entry.organization = OrganizationFactory(name="Be A Mentor")
    entry.save(update_fields=["organization"])
    before = snapshot()
    response = answer(anonymous(), token, **{f"e{entry.pk}": "confirm"})
    _refused(response, 400, before)
    assert other.entries.count() == 1


def test_decided_entries_show_as_such_and_cannot_be_confirmed_again(
    contact, employee, log_hours, send, anonymous, coordinator
):
    verified, rejected, withdrawn = (
        log_hours(employee, 1, 10),
        log_hours(employee, 1, 11),
        log_hours(employee, 1, 12),
    )
    token = send()
    services.personal_hours_verify(
        entry=verified, by=coordinator, verified_by_name="Office", reason="A phone call"
    )
    services.personal_hours_reject(entry=rejected, by=coordinator, reason="Duplicate")
    page = anonymous().post(OPEN, {"token": token}).content.decode()
    assert "Already confirmed" in page and "Already decided by the program" in page
    Enrollment.objects.filter(employee=employee).update(status=Enrollment.Status.WITHDRAWN)
    page = anonymous().post(OPEN, {"token": token}).content.decode()
    assert "No longer on the program" in page
    before = snapshot()

    response = answer(
        anonymous(),
        token,
        **{f"e{e.pk}": "confirm" for e in (verified, rejected, withdrawn)},
    )

    _refused(response, 200, before, "Not changed")
    response = anonymous().post(ANSWER, {"token": token, "typed_name": "A", "all": "confirm"})
    _refused(response, 200, before)


def test_confirming_twice_changes_nothing_the_second_time(waiting, anonymous):
    entry, token = waiting
    assert answer(anonymous(), token, **{f"e{entry.pk}": "confirm"}).status_code == 200
    before = snapshot()
    response = answer(anonymous(), token, **{f"e{entry.pk}": "confirm"})
    _refused(response, 200, before, "Already confirmed")


def test_the_page_is_throttled_per_client_address(waiting, anonymous, monkeypatch):
    entry, token = waiting
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "org_link_address": "3/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = anonymous(REMOTE_ADDR="198.51.100.1")
    for _ in range(3):
        assert client.post(OPEN, {"token": "wrong"}).status_code == 404
    before = snapshot()
    _refused(client.post(OPEN, {"token": token}), 429, before)
    response = answer(client, token, **{f"e{entry.pk}": "confirm"})
    _refused(response, 429, before, "Too many attempts")
    # Another address is not held back.
    assert anonymous(REMOTE_ADDR="198.51.100.2").post(OPEN, {"token": token}).status_code == 200


def test_the_page_is_throttled_per_link(waiting, anonymous, monkeypatch):
    entry, token = waiting
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "org_link": "2/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    for n in range(2):
        assert (
            anonymous(REMOTE_ADDR=f"198.51.100.{n}").post(OPEN, {"token": token}).status_code == 200
        )
    before = snapshot()
    response = answer(anonymous(REMOTE_ADDR="198.51.100.9"), token, **{f"e{entry.pk}": "confirm"})
    _refused(response, 429, before)


def test_the_token_is_in_no_address_and_no_log(
    contact, employee, log_hours, send, anonymous, caplog
):
    entry = log_hours(employee, 2, 10)
    caplog.set_level(logging.DEBUG)
    token = send()
    client = anonymous()
    pages = [
        client.get(OPEN),
        client.post(OPEN, {"token": token}),
        answer(client, token, **{f"e{entry.pk}": ("dispute", "Not ours")}),
        client.post(OPEN, {"token": token + "x"}),  # a 404, which Django logs
    ]
    for response in pages:
        assert response["Referrer-Policy"] == "no-referrer"
        assert token not in response.get("Location", "")
    assert token not in caplog.text
    assert "Not Found: /confirm/" in caplog.text


def test_the_page_works_without_a_csrf_cookie_as_the_token_is_the_key(waiting, anonymous):
    """Browsers send "Origin: null" under no-referrer; the token in the body is what proves
    the post comes from the contact's page."""
    entry, token = waiting
    client = anonymous(enforce_csrf_checks=True, HTTP_ORIGIN="null")
    assert client.post(OPEN, {"token": token}).status_code == 200
    response = answer(client, token, **{f"e{entry.pk}": "confirm"})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == PersonalHours.Status.VERIFIED


def test_a_contact_never_confirms_their_own_hours(contact, employee, log_hours, send, anonymous):
    contact.email = employee.user.email
    contact.save()
    entry = log_hours(employee, 2, 10)
    token = send()
    before = snapshot()
    response = answer(anonymous(), token, **{f"e{entry.pk}": "confirm"})
    _refused(response, 200, before, "You cannot answer for your own hours.")


def test_all_at_once_only_ever_confirms(waiting, anonymous):
    entry, token = waiting
    before = snapshot()
    response = anonymous().post(ANSWER, {"token": token, "typed_name": "Ana", "all": "dispute"})
    _refused(response, 400, before, "Choose confirm or dispute")
