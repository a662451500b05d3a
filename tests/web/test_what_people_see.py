"""What people see on the pages: error pages with a reason and a way back, a form sent twice,
the paid-leave date and the days in use, the request form at the cap, the rules in plain
words, the queue's confirmation and labels, and figures written one way."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from hours import services
from hours.models import LeaveRequest, PersonalHours
from web.pages import HR_MANUAL_URL

pytestmark = pytest.mark.django_db


def hours_form(day, hours="2", **extra):
    return {
        "hours-date": day.isoformat(),
        "hours-hours": hours,
        "hours-source": "non_working_time",
        "hours-notes": "",
        **extra,
    }


def leave_form(date, org, hours="2", **extra):
    return {
        "leave-date": date.isoformat(),
        "leave-hours": hours,
        "leave-organization": org.pk,
        **extra,
    }


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


# --- Error pages --------------------------------------------------------------------------------


def test_a_forbidden_page_has_the_layout_the_reason_and_a_way_home(employee, web_client):
    response = web_client(employee.user).get("/coordinator/")
    assert response.status_code == 403
    text = text_of(response)
    assert "Only a pilot coordinator can see the queues." in text
    assert 'href="/"' in text and "Go to your start page" in text
    assert "My mentoring year" in text  # the navigation of the signed-in person
    assert "<title>This page is not for your role" in text


def test_a_missing_page_has_the_layout_and_a_way_home(employee, web_client):
    response = web_client(employee.user).get("/no/such/page/")
    assert response.status_code == 404
    text = text_of(response)
    assert "Page not found" in text
    assert "not within your reach" in text
    assert "Go to your start page" in text


def test_an_object_out_of_reach_answers_the_same_404_page(
    coordinator, other_employee, org, today, web_client
):
    leave = LeaveRequest.objects.create(
        employee=other_employee, date=today, hours=Decimal("1"), organization=org
    )
    response = web_client(coordinator).post(f"/coordinator/requests/{leave.pk}/approve/")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)
    assert "LeaveRequest" not in text_of(response)


def test_a_missing_api_address_still_answers_json(employee, web_client):
    response = web_client(employee.user).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_bad_request_page_has_the_layout(web_client):
    # A host name Django refuses is answered by the 400 handler.
    client = Client(HTTP_HOST="bad host name", raise_request_exception=False)
    response = client.get("/accounts/login/")
    assert response.status_code == 400
    assert "This request could not be understood" in text_of(response)


def test_the_server_error_page_needs_no_database_and_has_a_way_home(rf):
    from web.views.errors import server_error

    response = server_error(rf.get("/me/"))
    assert response.status_code == 500
    text = text_of(response)
    assert "Something went wrong on our side" in text and 'href="/"' in text


# --- A form sent twice --------------------------------------------------------------------------


def test_the_same_hours_sent_twice_are_refused_until_confirmed(employee, org, day, web_client):
    client = web_client(employee.user)
    data = hours_form(day(0), **{"hours-organization": org.pk})
    assert client.post("/me/hours/", data).status_code == 302

    again = client.post("/me/hours/", data)

    assert again.status_code == 409
    assert PersonalHours.objects.filter(employee=employee).count() == 1
    text = text_of(again)
    assert "You logged the same 2 hours for" in text
    assert "Nothing new was saved" in text
    assert "Yes, this is another entry: save it again" in text

    confirmed = client.post("/me/hours/", {**data, "hours-repeat": "on"})
    assert confirmed.status_code == 302
    assert PersonalHours.objects.filter(employee=employee).count() == 2


def test_different_hours_on_the_same_day_are_not_a_repeat(employee, org, day, web_client):
    client = web_client(employee.user)
    assert client.post("/me/hours/", hours_form(day(0), **{"hours-organization": org.pk}))
    response = client.post(
        "/me/hours/", hours_form(day(0), hours="1.5", **{"hours-organization": org.pk})
    )
    assert response.status_code == 302
    assert PersonalHours.objects.filter(employee=employee).count() == 2


def test_the_same_hours_after_the_window_are_a_new_entry(employee, org, day, web_client):
    client = web_client(employee.user)
    data = hours_form(day(0), **{"hours-organization": org.pk})
    client.post("/me/hours/", data)
    PersonalHours.objects.update(created_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert client.post("/me/hours/", data).status_code == 302
    assert PersonalHours.objects.filter(employee=employee).count() == 2


def test_the_same_leave_request_sent_twice_is_refused_until_confirmed(
    employee, org, today, verified_hours, web_client
):
    verified_hours(employee, 4)
    client = web_client(employee.user)
    data = leave_form(today, org)
    assert client.post("/me/leave/", data).status_code == 302

    again = client.post("/me/leave/", data)
    assert again.status_code == 409
    assert "You requested the same 2 hours for" in text_of(again)
    assert LeaveRequest.objects.filter(employee=employee).count() == 1

    assert client.post("/me/leave/", {**data, "leave-repeat": "on"}).status_code == 302
    assert LeaveRequest.objects.filter(employee=employee).count() == 2


# --- The paid-leave form ------------------------------------------------------------------------


def test_the_paid_leave_date_is_empty_and_the_days_in_use_are_listed(
    employee, org, today, web_client
):
    services.personal_hours_log(
        employee=employee,
        by=employee.user,
        date=today,
        hours=Decimal("8"),
        source="non_working_time",
        organization=org,
    )
    response = web_client(employee.user).get("/me/")
    text = text_of(response)
    date_field = re.search(r'<input[^>]*id="id_leave-date"[^>]*>', text)[0]
    assert "value=" not in date_field
    personal_date = re.search(r'<input[^>]*id="id_hours-date"[^>]*>', text)[0]
    assert f'value="{today.isoformat()}"' in personal_date
    assert "at most 12 hours a day in all, 8 hours of them paid" in text
    assert f"{today:%a %b} {today.day}: 8 hours used, up to 4 hours more of paid leave" in text


def test_at_the_yearly_limit_no_request_form_is_offered(
    employee, org, day, verified_hours, web_client
):
    for n in range(4):
        verified_hours(employee, 10, n)
    for n in range(5):
        services.leave_request_create(
            employee=employee,
            by=employee.user,
            date=day(10 + n),
            hours=Decimal("8"),
            organization=org,
        )
    response = web_client(employee.user).get("/me/")
    text = text_of(response)
    assert 'id="request-form"' not in text
    assert "You have 40 hours of paid leave approved or pending" in text
    assert 'id="log-form"' in text


# --- Plain words --------------------------------------------------------------------------------


def test_the_rules_are_explained_in_plain_words_with_the_hr_manual(employee, web_client):
    text = text_of(web_client(employee.user).get("/me/"))
    assert "How mentoring leave works" in text
    assert "up to 40 hours of paid leave a calendar year" in text
    assert "Sick leave does not count" in text
    assert "travel to and from does not" in text
    assert f'href="{HR_MANUAL_URL}"' in text
    assert "In match" not in text
    assert "Paid leave covered by your verified time" in text


def test_the_next_step_uses_the_persons_own_figures(
    employee, org, today, day, verified_hours, web_client
):
    verified_hours(employee, 6)
    services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("2.5"), organization=org
    )
    step = web_client(employee.user).get("/me/").context["next_step"]
    assert step.startswith(
        "You have 6 verified personal hours and 2.5 paid hours approved or pending, so you can "
        "request up to 3.5 paid hours now."
    )
    assert "(37.5 paid hours left in" in step


def test_one_hour_is_one_hour_and_halves_are_written_once(
    employee, org, today, verified_hours, web_client
):
    verified_hours(employee, 12)
    verified_hours(employee, Decimal("1.5"), 1)
    services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("1"), organization=org
    )
    text = text_of(web_client(employee.user).get("/me/"))
    assert "13.50" not in text and "13.5" in text
    assert "1 hours" not in text


# --- The queue ----------------------------------------------------------------------------------


def test_queue_cards_have_distinct_labels(
    coordinator, employee, org, today, day, verified_hours, web_client
):
    verified_hours(employee, 4)
    services.personal_hours_log(
        employee=employee,
        by=employee.user,
        date=day(1),
        hours=Decimal("1"),
        source="non_working_time",
        organization=org,
    )
    services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("1"), organization=org
    )
    text = text_of(web_client(coordinator).get("/coordinator/"))
    name = employee.user.get_full_name()
    whose = f"{name}'" if name.endswith("s") else f"{name}'s"  # "Carlos Martinez's", "Williams'"
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", text)
    assert f"Reason for denying {whose} request for {today:%b} {today.day}" in labels
    assert any(label.startswith(f"Reason for rejecting {whose} hours of") for label in labels)
    assert any(label.startswith("Verified by (at the organization), for ") for label in labels)
    field_labels = [label for label in labels if label.startswith(("Reason", "Verified"))]
    assert len(field_labels) == len(set(field_labels))
    assert "1 hour</strong>" in text and "1 hours" not in text


def test_bulk_approval_asks_first_with_the_count(
    coordinator, employee, org, today, verified_hours, web_client
):
    verified_hours(employee, 4)
    requests = [
        services.leave_request_create(
            employee=employee, by=employee.user, date=today, hours=Decimal("1"), organization=org
        ),
        services.leave_request_create(
            employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
        ),
    ]
    ids = [r.pk for r in requests]
    client = web_client(coordinator)

    asked = client.post("/coordinator/requests/bulk-approve/", {"ids": ids})
    assert asked.status_code == 200
    assert "Approve 2 requests?" in text_of(asked)
    assert f"request #{ids[1]}" in text_of(asked)
    assert not LeaveRequest.objects.filter(status="approved").exists()

    wrong = client.post("/coordinator/requests/bulk-approve/", {"ids": ids, "count": "1"})
    assert wrong.status_code == 400
    assert "not the 1 confirmed; nothing was approved" in text_of(wrong)
    assert not LeaveRequest.objects.filter(status="approved").exists()

    done = client.post("/coordinator/requests/bulk-approve/", {"ids": ids, "count": "2"})
    assert done.status_code == 200
    assert done.context["bulk"]["approved"] == 2
    assert LeaveRequest.objects.filter(status="approved").count() == 2


# --- Figures ------------------------------------------------------------------------------------


def test_headcounts_have_a_thousands_separator(workgroup, dot, dph, web_client):
    text = text_of(web_client(workgroup).get("/workgroup/"))
    assert '<td class="num">21,000</td>' in text
    assert '<td class="num">4,200</td>' in text
    assert '<td class="num">25,200</td>' in text
