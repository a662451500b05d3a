"""The employee's page: balance, next step, logging hours, requesting leave, history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hours import services
from hours.models import LeaveRequest, PersonalHours

from .conftest import field_tag

pytestmark = pytest.mark.django_db


def _hours_form(day, **extra):
    data = {
        "hours-date": day.isoformat(),
        "hours-hours": "2",
        "hours-source": "non_working_time",
        "hours-notes": "",
    }
    data.update(extra)
    return data


def _leave_form(date, org, **extra):
    data = {"leave-date": date.isoformat(), "leave-hours": "2", "leave-organization": org.pk}
    data.update(extra)
    return data


def test_anonymous_is_sent_to_the_login_page(web_client):
    response = web_client(None).get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/me/")


def test_login_page_signs_in_and_sends_home(employee, web_client):
    from tests.factories import PASSWORD

    client = web_client(None)
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/", {"username": employee.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    # An employee with no other role goes straight to their year.
    assert client.get("/")["Location"] == "/me/"


def test_page_shows_the_balance_and_the_first_step(employee, web_client):
    response = web_client(employee.user).get("/me/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "My mentoring year" in text
    assert (
        "You have 0 verified personal hours and 0 paid hours approved or pending. Personal "
        "time comes first" in text
    )
    assert "up to 40 paid hours in " in text
    assert "Never name or describe the young person you mentor." in text
    assert 'name="csrfmiddlewaretoken"' in text


def test_logging_hours_then_the_next_step_waits_for_verification(employee, org, day, web_client):
    client = web_client(employee.user)
    response = client.post("/me/hours/", _hours_form(day(0), **{"hours-organization": org.pk}))
    assert response.status_code == 302
    entry = PersonalHours.objects.get(employee=employee)
    assert entry.status == PersonalHours.Status.LOGGED and entry.hours == Decimal("2")
    text = client.get("/me/").content.decode()
    assert "awaiting verification" in text
    assert (
        "Your 2 personal hours awaiting verification will let you request up to 2 paid hours "
        "once your coordinator verifies them." in text
    )


def test_paid_request_without_verified_hours_shows_the_match_rule_at_the_hours_field(
    employee, org, today, web_client
):
    response = web_client(employee.user).post("/me/leave/", _leave_form(today, org))
    assert response.status_code == 400
    form = response.context["leave_form"]
    assert form.errors["hours"][0].startswith("Personal time comes first")
    text = response.content.decode()
    # The field is marked invalid, described by its error, and takes the focus.
    assert 'id="id_leave-hours_error"' in text
    field = field_tag(text, "id_leave-hours")
    assert 'aria-invalid="true"' in field and "autofocus" in field
    assert not LeaveRequest.objects.exists()


def test_paid_request_passes_once_hours_are_verified(
    employee, org, today, verified_hours, web_client
):
    verified_hours(employee, 2)
    client = web_client(employee.user)
    response = client.post("/me/leave/", _leave_form(today, org))
    assert response.status_code == 302
    assert LeaveRequest.objects.get(employee=employee).status == LeaveRequest.Status.PENDING
    text = client.get("/me/").content.decode()
    assert "Pending" in text and "It waits for your coordinator" in text


def test_a_broken_rule_without_a_field_shows_above_the_form(
    employee, unqualified_org, day, web_client
):
    response = web_client(employee.user).post(
        "/me/hours/", _hours_form(day(0), **{"hours-organization": unqualified_org.pk})
    )
    assert response.status_code == 400
    assert "quality-assurance standards" in response.context["hours_form"].errors["organization"][0]


def test_malformed_hours_answer_400_naming_the_field(employee, org, day, web_client):
    response = web_client(employee.user).post(
        "/me/hours/", _hours_form(day(0), **{"hours-organization": org.pk, "hours-hours": "x"})
    )
    assert response.status_code == 400
    assert "hours" in response.context["hours_form"].errors


def test_denial_reason_is_in_the_history(employee, org, today, verified_hours, web_client):
    verified_hours(employee, 2)
    from tests.factories import RoleFactory, UserFactory

    other = UserFactory(username="dot.coordinator.b")
    RoleFactory(user=other, kind="coordinator", agency=employee.agency)
    leave = services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
    )
    services.leave_request_deny(request=leave, by=other, reason="Road closure week")
    text = web_client(employee.user).get("/me/").content.decode()
    assert "Denied" in text and "Road closure week" in text


def test_employee_cancels_own_pending_request(employee, org, today, verified_hours, web_client):
    verified_hours(employee, 2)
    leave = services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
    )
    response = web_client(employee.user).post(f"/me/leave/{leave.pk}/cancel/")
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.CANCELLED


def test_cancelling_another_agencys_request_is_not_found(
    employee, other_employee, other_coordinator, org, day, today, web_client
):
    entry = services.personal_hours_log(
        employee=other_employee,
        by=other_employee.user,
        date=day(0),
        hours=Decimal("2"),
        source="non_working_time",
        organization=org,
    )
    services.personal_hours_verify(
        reason="Signed paper form", entry=entry, by=other_coordinator, verified_by_name="Office"
    )
    leave = services.leave_request_create(
        employee=other_employee,
        by=other_employee.user,
        date=today,
        hours=Decimal("2"),
        organization=org,
    )
    assert web_client(employee.user).post(f"/me/leave/{leave.pk}/cancel/").status_code == 404
    assert web_client(other_employee.user).post(f"/me/leave/{leave.pk}/cancel/").status_code == 302
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.CANCELLED


def test_user_without_employee_profile_is_refused(workgroup, web_client):
    assert web_client(workgroup).get("/me/").status_code == 403
    assert web_client(workgroup).post("/me/hours/", {}).status_code == 403


def test_forms_need_the_csrf_token(employee, org, day, web_client):
    client = web_client(employee.user, enforce_csrf_checks=True)
    response = client.post("/me/hours/", _hours_form(day(0), **{"hours-organization": org.pk}))
    assert response.status_code == 403
    assert not PersonalHours.objects.exists()


@pytest.mark.parametrize("year", ["abc", "1900"])
def test_a_bad_year_answers_400_naming_it(employee, web_client, year):
    response = web_client(employee.user).get(f"/me/?year={year}")
    assert response.status_code == 400
    assert "year" in response.content.decode().lower()


def test_a_past_year_shows_history_without_forms(employee, today, web_client):
    response = web_client(employee.user).get(f"/me/?year={today.year - 1}")
    assert response.status_code == 200
    assert b'id="log-form"' not in response.content


def test_a_rule_about_no_field_is_shown_above_the_form_and_takes_the_focus(
    dot, org, day, web_client
):
    from tests.factories import EmployeeFactory, UserFactory

    person = EmployeeFactory(agency=dot, user=UserFactory(username="dot.not.enrolled"))
    response = web_client(person.user).post(
        "/me/hours/", _hours_form(day(0), **{"hours-organization": org.pk})
    )
    assert response.status_code == 400
    assert "not on a mentoring pilot roster" in response.context["hours_form"].non_field_errors()[0]
    text = response.content.decode()
    assert '<div class="form-errors" role="alert" tabindex="-1" autofocus>' in text


def test_cancelling_twice_is_a_conflict(employee, org, today, verified_hours, web_client):
    verified_hours(employee, 2)
    leave = services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
    )
    client = web_client(employee.user)
    assert client.post(f"/me/leave/{leave.pk}/cancel/").status_code == 302
    response = client.post(f"/me/leave/{leave.pk}/cancel/")
    assert response.status_code == 409
    assert "cancelled, so it cannot be cancelled" in response.content.decode()


def test_a_withdrawn_mentor_is_told_why_their_hours_do_not_count(employee, coordinator, client):
    from agencies import services as roster

    roster.enrollment_update(
        by=coordinator, enrollment=employee.enrollments.get(), status="withdrawn"
    )
    client.force_login(employee.user)
    page = client.get("/me/").content.decode()
    assert "roster is withdrawn" in page
    assert "ask your pilot coordinator" in page


def test_cancel_is_offered_on_pending_and_future_approved_leave_only(
    employee, coordinator, org, today, verified_hours, web_client
):
    verified_hours(employee, 8)

    def ask(on, *, approve: bool):
        leave = services.leave_request_create(
            employee=employee, by=employee.user, date=on, hours=Decimal("2"), organization=org
        )
        return services.leave_request_approve(request=leave, by=coordinator) if approve else leave

    past = ask(today - dt.timedelta(days=3), approve=True)
    on_the_day = ask(today, approve=True)
    ahead = ask(today + dt.timedelta(days=3), approve=True)
    pending = ask(today - dt.timedelta(days=1), approve=False)

    response = web_client(employee.user).get("/me/")

    assert response.context["cancellable"] == {ahead.pk, pending.pk}
    text = response.content.decode()
    for leave in (ahead, pending):
        assert f'action="/me/leave/{leave.pk}/cancel/"' in text
    for leave in (past, on_the_day):
        assert f'action="/me/leave/{leave.pk}/cancel/"' not in text
    # The page offers what the service allows: cancelling past approved leave is refused.
    assert web_client(employee.user).post(f"/me/leave/{past.pk}/cancel/").status_code == 409
    past.refresh_from_db()
    assert past.status == LeaveRequest.Status.APPROVED
