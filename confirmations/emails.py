"""The confirmation request email: the one place that sends it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from policy import rules


def confirmation_link_url(token: str) -> str:
    """The page's address with the token after '#': a browser never sends that part to a
    server, so the token stays out of access logs and Referer headers."""
    return f"{settings.SITE_URL.rstrip('/')}/confirm/#{token}"


def confirmation_request_text(*, contact, entries, token: str, expires_on) -> tuple[str, str]:
    """The subject and body. Each entry: employee, agency, date, hours, activity; never the
    notes, and nothing about the young person."""
    organization = contact.organization.name
    lines = [
        f"  - {e.employee.user.get_full_name() or e.employee.employee_number} "
        f"({e.employee.agency.code}), {e.date:%a %b %-d, %Y}: {rules.plural_hours(e.hours)}, "
        f"{rules.ACTIVITIES.get(e.activity, e.activity).lower()}"
        for e in entries
    ]
    count = len(entries)
    subject = f"Please confirm {count} mentoring {'entry' if count == 1 else 'entries'} for "
    subject += organization
    body = "\n".join(
        [
            f"Hello {contact.name},",
            "",
            "California state employees in the mentoring-leave program (HR Manual section 2119)",
            f"logged these hours of their own time mentoring through {organization}. The program",
            "counts them toward matching paid mentoring leave only once the mentoring",
            "organization confirms them:",
            "",
            *lines,
            "",
            "Confirm or dispute them here (no account needed):",
            confirmation_link_url(token),
            "",
            "If the page asks for a code, paste this one:",
            token,
            "",
            f"The link works until {expires_on:%B %-d, %Y}, for these entries only. Please do not",
            "forward it. Nothing about the young people you serve is recorded or asked for.",
            "If you did not expect this email, you can ignore it.",
            "",
            "California State Employee Mentoring program",
        ]
    )
    return subject, body


def send_confirmation_request(*, contact, entries, token: str, expires_on) -> None:
    subject, body = confirmation_request_text(
        contact=contact, entries=entries, token=token, expires_on=expires_on
    )
    send_mail(subject, body, None, [contact.email], fail_silently=False)
