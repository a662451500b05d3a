"""PolicyYear moves here from hours, keeping its table (hours_policyyear) and every row."""

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('hours', '0003_queue_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table already exists under this name: only Django's picture of it moves.
            state_operations=[
                migrations.CreateModel(
                    name='PolicyYear',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveIntegerField(unique=True, validators=[django.core.validators.MinValueValidator(1996), django.core.validators.MaxValueValidator(2100)])),
                        ('cap_hours', models.DecimalField(decimal_places=2, default=Decimal('40.00'), max_digits=6)),
                        ('match_ratio', models.DecimalField(decimal_places=2, default=Decimal('1.00'), max_digits=4)),
                        ('increment', models.DecimalField(decimal_places=2, default=Decimal('0.25'), max_digits=4)),
                        ('daily_total_limit', models.DecimalField(decimal_places=2, default=Decimal('12.00'), max_digits=6)),
                        ('daily_paid_limit', models.DecimalField(decimal_places=2, default=Decimal('8.00'), max_digits=6)),
                        ('commitment_months', models.PositiveSmallIntegerField(default=9, help_text='Minimum length of the commitment to mentor (one school year).')),
                    ],
                    options={
                        'db_table': 'hours_policyyear',
                        'ordering': ['-year'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('cap_hours__gt', 0)), name='policy_cap_positive'), models.CheckConstraint(condition=models.Q(('match_ratio__gt', 0)), name='policy_ratio_positive'), models.CheckConstraint(condition=models.Q(('increment__gt', 0)), name='policy_increment_positive')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
