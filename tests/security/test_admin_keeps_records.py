"""The admin cannot hard-delete a Role, a PolicyYear or a User: the ledger names users as
actors, a past year was judged by its parameters, and a role is who could approve. Roles and
users are deactivated instead, and the change is in the admin's history."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model

from agencies.models import Role
from agencies.roles import roles_of
from policy.models import PolicyYear

pytestmark = pytest.mark.django_db

User = get_user_model()


def role_of(user) -> Role:
    return Role.objects.get(user=user)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/agencies/role/{role}/delete/",
        "/admin/policy/policyyear/{year}/delete/",
        "/admin/auth/user/{user}/delete/",
    ],
)
def test_the_admin_has_no_delete_page(url, admin_client, coordinator, today):
    year = PolicyYear.objects.get_or_create(year=today.year)[0]
    url = url.format(role=role_of(coordinator).pk, year=year.pk, user=coordinator.pk)
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Role.objects.filter(user=coordinator).exists()
    assert PolicyYear.objects.filter(pk=year.pk).exists()
    assert User.objects.filter(pk=coordinator.pk).exists()


@pytest.mark.parametrize(
    ("changelist", "model"),
    [
        ("/admin/agencies/role/", Role),
        ("/admin/policy/policyyear/", PolicyYear),
        ("/admin/auth/user/", User),
    ],
)
def test_the_bulk_delete_action_is_gone(changelist, model, admin_client, coordinator, today):
    PolicyYear.objects.get_or_create(year=today.year)
    target = {Role: role_of(coordinator), PolicyYear: PolicyYear.objects.first(), User: coordinator}
    page = admin_client.get(changelist)
    assert page.status_code == 200
    assert 'value="delete_selected"' not in page.content.decode()
    admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [target[model].pk], "post": "yes"},
    )
    assert model.objects.filter(pk=target[model].pk).exists()


def test_deactivating_a_role_ends_its_powers_and_is_in_the_history(
    admin_client, admin_user, coordinator, dot
):
    assert roles_of(coordinator).coordinates(dot.pk)
    role = role_of(coordinator)
    response = admin_client.post(
        "/admin/agencies/role/", {"action": "deactivate", "_selected_action": [role.pk]}
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.active is False
    coordinator = User.objects.get(pk=coordinator.pk)  # no cached roles
    assert not roles_of(coordinator).coordinates(dot.pk)
    entry = LogEntry.objects.get(object_id=str(role.pk), content_type__model="role")
    assert (entry.user, entry.action_flag) == (admin_user, CHANGE)
    assert "active" in entry.get_change_message().lower()


def test_deactivating_a_user_keeps_them_and_is_in_the_history(admin_client, admin_user, employee):
    response = admin_client.post(
        "/admin/auth/user/", {"action": "deactivate", "_selected_action": [employee.user.pk]}
    )
    assert response.status_code == 302
    employee.user.refresh_from_db()
    assert employee.user.is_active is False
    entry = LogEntry.objects.get(object_id=str(employee.user.pk), content_type__model="user")
    assert (entry.user, entry.action_flag) == (admin_user, CHANGE)


def test_a_coordinator_cannot_deactivate_anything(coordinator, other_coordinator, client):
    client.force_login(coordinator)
    role = role_of(other_coordinator)
    response = client.post(
        "/admin/agencies/role/", {"action": "deactivate", "_selected_action": [role.pk]}
    )
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    role.refresh_from_db()
    assert role.active is True
