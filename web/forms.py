"""Forms check the shape of what a person typed; the services check the policy.

A service's PolicyViolation names the field it is about (`field`), so the form shows the
policy's own sentence next to that field, as the API returns it in `detail`.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError

from agencies.models import Agency, MentoringOrganization
from policy import rules

NOTES_HELP = "Never name or describe the young person you mentor."
REPEAT = "repeat"


class PageForm(forms.Form):
    template_name = "web/form_div.html"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if self.is_bound and self.add_prefix(REPEAT) in self.data:
            self._add_repeat_field()

    def _add_repeat_field(self) -> None:
        self.fields[REPEAT] = forms.BooleanField(
            label="Yes, this is another entry: save it again", required=False
        )

    def offer_repeat(self, message: str) -> None:
        """Refuse what looks like the same form sent twice (Back, then the button again), and
        offer to save it anyway with a tick."""
        self._add_repeat_field()
        self.add_error(None, message)

    @property
    def repeat_confirmed(self) -> bool:
        return bool(self.cleaned_data.get(REPEAT))

    def service_data(self) -> dict:
        """The cleaned values the service takes (without the page's own confirmation)."""
        return {name: value for name, value in self.cleaned_data.items() if name != REPEAT}

    def add_service_error(self, error: Exception) -> None:
        """Show a service's error next to its field, or above the form when it names none."""
        if isinstance(error, rules.PolicyViolation):
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.detail)
        elif isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, str(getattr(error, "detail", error)))

    def use_organizations(self, organizations: list[MentoringOrganization] | None) -> None:
        """Offer an already-read list of organizations, so two forms on a page cost one
        query; the submitted choice is still checked against the table."""
        if organizations is not None and "organization" in self.fields:
            self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]

    focus_summary = False

    def focus_first_error(self) -> None:
        """Put the keyboard focus on the first field with an error, or on the errors above
        the form when no field has one."""
        for name in self.fields:
            if name in self.errors:
                self.fields[name].widget.attrs["autofocus"] = True
                return
        self.focus_summary = bool(self.non_field_errors())


def _date_widget(**attrs) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def _hours_widget(params: rules.PolicyParams) -> forms.NumberInput:
    step = rules.hours_text(params.increment)
    return forms.NumberInput(attrs={"step": step, "min": step, "inputmode": "decimal"})


class OrganizationField(forms.ModelChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            queryset=MentoringOrganization.objects.order_by("name"),
            label="Mentoring organization",
            empty_label=None,
            **kwargs,
        )


class PersonalHoursForm(PageForm):
    date = forms.DateField(label="Date you mentored", widget=_date_widget())
    hours = forms.DecimalField(
        label="Hours",
        max_digits=6,
        decimal_places=2,
        help_text="Time spent mentoring only, in quarter hours; travel does not count.",
    )
    source = forms.ChoiceField(
        label="Whose time",
        # Only the sources the policy accepts: sick leave is never personal time.
        choices=[
            (k, v) for k, v in rules.PERSONAL_SOURCES.items() if k in rules.VALID_PERSONAL_SOURCES
        ],
        help_text="Your own time: outside work, or leave you took. Sick leave is not personal "
        "time.",
    )
    organization = OrganizationField()
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NOTES_HELP,
    )

    def __init__(
        self, *args, params: rules.PolicyParams, today, organizations=None, **kwargs
    ) -> None:
        kwargs.setdefault("prefix", "hours")
        super().__init__(*args, **kwargs)
        self.use_organizations(organizations)
        self.fields["hours"].widget = _hours_widget(params)
        self.fields["date"].widget = _date_widget(max=today.isoformat())


class LeaveRequestForm(PageForm):
    date = forms.DateField(label="Date of the leave", widget=_date_widget())
    hours = forms.DecimalField(label="Paid hours", max_digits=6, decimal_places=2)
    organization = OrganizationField()
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NOTES_HELP,
    )

    def __init__(self, *args, params: rules.PolicyParams, organizations=None, **kwargs) -> None:
        kwargs.setdefault("prefix", "leave")
        super().__init__(*args, **kwargs)
        self.use_organizations(organizations)
        self.fields["hours"].widget = _hours_widget(params)
        self.fields["hours"].help_text = (
            f"In quarter hours, at most {rules.plural_hours(params.daily_paid_limit)} a day. "
            "Only time spent mentoring; travel does not count."
        )


class VerifyForm(PageForm):
    verified_by_name = forms.CharField(
        label="Verified by (at the organization)",
        max_length=200,
        help_text="Who at the mentoring organization confirmed these hours.",
    )
    verified_on = forms.DateField(
        label="Verified on", required=False, widget=_date_widget(), help_text="Default: today."
    )
    # Not required here: the service answers an empty one with the policy's own sentence.
    reason = forms.CharField(
        label="How they confirmed it",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"required": True}),
        help_text="For example: a signed paper form, a phone call.",
    )


class ReasonForm(PageForm):
    # Not required here: the service answers an empty reason with the policy's own sentence.
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"required": True}),
    )


class RosterImportForm(PageForm):
    file = forms.FileField(
        label="Roster file (.xlsx or .csv)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label="Only check the file, save nothing", required=False, initial=False
    )


class SetPasswordByEmailForm(PasswordResetForm):
    """Django's reset form, also for accounts that have no password yet.

    Accounts are created by a coordinator, an admin or the roster import without a usable
    password (SPEC.md section 4); this email is how the person sets their first one. Django's
    own form skips such accounts, which would leave every new mentor locked out.
    """

    def get_users(self, email):
        email_field = get_user_model().get_email_field_name()
        candidates = get_user_model()._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        if not settings.LOCAL_PASSWORDS:
            # Passwords are for administrators only; everyone else uses the agency's provider.
            candidates = candidates.filter(is_superuser=True)
        return (user for user in candidates if getattr(user, email_field).lower() == email.lower())


class EmailPreferencesForm(PageForm):
    digests = forms.BooleanField(
        label="The daily digest of what waits for me",
        required=False,
        help_text="Sent on days when requests or hours wait in your queue.",
    )
    reminders = forms.BooleanField(
        label="Reminders",
        required=False,
        help_text="Before the year ends, and when your mentoring commitment is about to end.",
    )


class ProfileForm(PageForm):
    """The person's own name and email (identity.services.own_profile_update checks them)."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="Work email",
        max_length=254,
        required=False,
        help_text="A new address is changed once you open the link we send to it.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="profile", **kwargs)
        for name, autocomplete in (
            ("first_name", "given-name"),
            ("last_name", "family-name"),
            ("email", "email"),
        ):
            self.fields[name].widget.attrs["autocomplete"] = autocomplete


class TransferForm(PageForm):
    """Moving an employee of the coordinator's agency to another agency on a date
    (hours.services.transfers checks the rest, naming to_agency or effective_on)."""

    employee_number = forms.CharField(label="Employee number", max_length=20)
    to_agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("code"),
        to_field_name="code",
        label="To agency",
        empty_label="Choose the receiving agency",
    )
    effective_on = forms.DateField(label="Takes effect on", widget=_date_widget())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="transfer", **kwargs)
        self.fields["to_agency"].label_from_instance = lambda agency: (
            f"{agency.code}: {agency.name}"
        )
