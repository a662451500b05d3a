from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from agencies.models import Agency, Employee, Enrollment, MentoringOrganization, Pilot, Role
from hours.models import LeaveRequest, PersonalHours
from policy import dates

PASSWORD = "correct horse battery staple"


def this_year() -> int:
    return dates.today().year


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.ca.gov")
    password = factory.django.Password(PASSWORD)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"AG{n}")
    name = factory.LazyAttribute(lambda a: f"Agency {a.code}")
    headcount = 1000


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringOrganization
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Mentoring Organization {n}")
    meets_quality_standards = True
    contact_name = "Program Office"
    contact_email = "office@example.org"


class PilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilot

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Pilot {n}")
    starts_on = factory.LazyFunction(lambda: dt.date(this_year(), 1, 1))
    ends_on = factory.LazyFunction(lambda: dt.date(this_year(), 12, 31))
    status = Pilot.Status.ACTIVE


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    employee_number = factory.Sequence(lambda n: f"{500000 + n}")
    bargaining_unit = "1"
    appointment = "permanent"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    employee = factory.SubFactory(EmployeeFactory)
    pilot = factory.SubFactory(PilotFactory, agency=factory.SelfAttribute("..employee.agency"))
    organization = factory.SubFactory(OrganizationFactory)
    commitment_starts_on = factory.LazyFunction(lambda: dt.date(this_year(), 1, 1))
    commitment_ends_on = factory.LazyFunction(lambda: dt.date(this_year(), 12, 31))
    status = Enrollment.Status.ACTIVE


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = Role.Kind.COORDINATOR
    agency = factory.SubFactory(AgencyFactory)


class PersonalHoursFactory(factory.django.DjangoModelFactory):
    """Raw rows, bypassing the services: for setting up reads, never for testing the rules."""

    class Meta:
        model = PersonalHours

    employee = factory.SubFactory(EmployeeFactory)
    date = factory.LazyFunction(lambda: dt.date(this_year(), 1, 2))
    hours = Decimal("2.00")
    source = "non_working_time"
    organization = factory.SubFactory(OrganizationFactory)


class LeaveRequestFactory(factory.django.DjangoModelFactory):
    """Raw rows, bypassing the services: for setting up reads, never for testing the rules."""

    class Meta:
        model = LeaveRequest

    employee = factory.SubFactory(EmployeeFactory)
    date = factory.LazyFunction(lambda: dt.date(this_year(), 1, 2))
    hours = Decimal("2.00")
    organization = factory.SubFactory(OrganizationFactory)
