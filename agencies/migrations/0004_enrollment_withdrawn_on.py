"""A withdrawal takes effect on a date. Lines withdrawn before this field existed take the day
they were last changed (within their commitment) as that date. An active line has no such date."""

from django.db import migrations, models


def date_the_withdrawals(apps, schema_editor):
    Enrollment = apps.get_model("agencies", "Enrollment")
    for line in Enrollment.objects.filter(status="withdrawn", withdrawn_on__isnull=True):
        changed_on = line.updated_at.date()
        line.withdrawn_on = min(
            max(changed_on, line.commitment_starts_on), line.commitment_ends_on
        )
        # update(), so that updated_at keeps the day the line really changed.
        Enrollment.objects.filter(pk=line.pk).update(withdrawn_on=line.withdrawn_on)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_approval_chain_supervisors_delegations"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrollment",
            name="withdrawn_on",
            field=models.DateField(
                blank=True,
                help_text="The day the withdrawal takes effect: the employee is enrolled before "
                "it and not enrolled from it on.",
                null=True,
            ),
        ),
        migrations.RunPython(date_the_withdrawals, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="enrollment",
            constraint=models.CheckConstraint(
                condition=models.Q(status="withdrawn") | models.Q(withdrawn_on__isnull=True),
                name="withdrawn_on_only_when_withdrawn",
            ),
        ),
    ]
