from django.db import migrations


def create_event_type(apps, schema_editor):
    CommunicationEventType = apps.get_model("communication", "CommunicationEventType")
    CommunicationEventType.objects.get_or_create(
        code="ORDER_PLACED",
        defaults={"name": "Order placed", "category": "Order related"},
    )


class Migration(migrations.Migration):
    """The confirmation email's event type, so each sent confirmation is recorded
    (which is what makes the email task safe to run twice)."""

    dependencies = [
        ("order", "0021_billingaddress_code_shippingaddress_code"),
        ("communication", "0004_auto_20200801_0817"),
    ]

    operations = [migrations.RunPython(create_event_type, migrations.RunPython.noop)]
