"""LedgerEntry moves here from hours, keeping its table (hours_ledgerentry), its rows and the
triggers that make it append-only."""

import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('hours', '0003_queue_indexes'),
        ('agencies', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table already exists under this name: only Django's picture of it moves.
            state_operations=[
                migrations.CreateModel(
                    name='LedgerEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('year', models.PositiveIntegerField(blank=True, null=True)),
                        ('kind', models.CharField(choices=[('personal_hours.logged', 'Personal hours logged'), ('personal_hours.verified', 'Personal hours verified'), ('personal_hours.rejected', 'Personal hours rejected'), ('leave_request.requested', 'Leave requested'), ('leave_request.approved', 'Leave approved'), ('leave_request.denied', 'Leave denied'), ('leave_request.cancelled', 'Leave cancelled'), ('leave_request.reversed', 'Leave reversed'), ('employee.created', 'Employee created'), ('employee.updated', 'Employee updated'), ('enrollment.created', 'Enrolled on a roster'), ('enrollment.updated', 'Roster line changed'), ('pilot.created', 'Pilot created'), ('pilot.updated', 'Pilot changed'), ('roster.imported', 'Roster imported')], max_length=40)),
                        ('subject_type', models.CharField(max_length=40)),
                        ('subject_id', models.BigIntegerField()),
                        ('reason', models.TextField(blank=True)),
                        ('data', models.JSONField(blank=True, default=dict)),
                        ('d_paid_approved', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=6)),
                        ('d_paid_pending', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=6)),
                        ('d_personal_verified', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=6)),
                        ('d_personal_logged', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=6)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agencies.agency')),
                        ('employee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ledger_entries', to='agencies.employee')),
                    ],
                    options={
                        'verbose_name_plural': 'ledger entries',
                        'db_table': 'hours_ledgerentry',
                        'ordering': ['-at', '-id'],
                        'indexes': [models.Index(fields=['employee', 'year'], name='hours_ledge_employe_547793_idx'), models.Index(fields=['subject_type', 'subject_id'], name='hours_ledge_subject_928bd9_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
