"""Descriptions and rich-text attribute values stored before the sanitiser came in
are passed through it once."""

from django.db import migrations


def sanitize_stored(apps, schema_editor):
    from commerce.core.sanitize import sanitize_html

    Product = apps.get_model("catalogue", "Product")
    for pk, description in (
        Product.objects.filter(description__contains="<").values_list("pk", "description").iterator()
    ):
        clean = sanitize_html(description)
        if clean != description:
            Product.objects.filter(pk=pk).update(description=clean)
    Value = apps.get_model("catalogue", "ProductAttributeValue")
    for pk, text in (
        Value.objects.filter(value_richtext__contains="<")
        .values_list("pk", "value_richtext")
        .iterator()
    ):
        clean = sanitize_html(text)
        if clean != text:
            Value.objects.filter(pk=pk).update(value_richtext=clean)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0035_visibility")]

    operations = [migrations.RunPython(sanitize_stored, migrations.RunPython.noop)]
