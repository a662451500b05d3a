"""PolicyYear and LedgerEntry now live in the policy and ledger apps. Their tables stay where they
are, so this only removes them from the hours app's picture, and moves their content types (and
so the admin's history and permissions) to the new apps."""

from django.db import migrations

MOVED = {"policyyear": "policy", "ledgerentry": "ledger"}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        if not ContentType.objects.filter(app_label=app_label, model=model).exists():
            ContentType.objects.filter(app_label="hours", model=model).update(app_label=app_label)


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        if not ContentType.objects.filter(app_label="hours", model=model).exists():
            ContentType.objects.filter(app_label=app_label, model=model).update(app_label="hours")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("hours", "0003_queue_indexes"),
        ("policy", "0001_initial"),
        ("ledger", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="ledgerentry", name="actor"),
                migrations.RemoveField(model_name="ledgerentry", name="agency"),
                migrations.RemoveField(model_name="ledgerentry", name="employee"),
                migrations.DeleteModel(name="PolicyYear"),
                migrations.DeleteModel(name="LedgerEntry"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
