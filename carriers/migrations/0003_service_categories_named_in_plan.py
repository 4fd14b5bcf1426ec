"""The three service categories the plan names ("教育、医疗、文化等8类18项"). The other five
categories and the 18 items are not public: an administrator adds them (seed_demo fills a
demo copy with labelled placeholders)."""

from django.db import migrations

SOURCE = "计划：加快推进659个全市功能区教育、医疗、文化等8类18项基本公共服务配套项目建设"
CATEGORIES = [("education", "教育", "Education"), ("medical", "医疗", "Medical care"), ("culture", "文化", "Culture")]


def add(apps, schema_editor):
    ServiceCategory = apps.get_model("carriers", "ServiceCategory")
    for order, (code, name, name_en) in enumerate(CATEGORIES):
        ServiceCategory.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order, "source": SOURCE}
        )


def remove(apps, schema_editor):
    apps.get_model("carriers", "ServiceCategory").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("carriers", "0002_service_projects")]
    operations = [migrations.RunPython(add, remove)]
