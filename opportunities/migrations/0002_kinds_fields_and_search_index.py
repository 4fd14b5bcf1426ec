"""The fields the plan names for new-economy scenarios, each with its clause, and the kinds of
opportunity (reference rows an administrator may add to). On PostgreSQL, the GIN index the
portal's search is answered by (core.textsearch)."""

from django.db import migrations

SOURCE = "计划：主动塑造功能区新经济应用场景，发布产业功能区建设机会清单"
FOCUS = "聚焦“人工智能+”、“5G+”等重点领域"
FIELDS = [
    ("ai-plus", "人工智能+", "AI+", FOCUS),
    ("5g-plus", "5G+", "5G+", FOCUS),
    ("digital-ai", "数字经济与新一代人工智能", "Digital economy and new-generation AI",
     "在成都科学城嵌入数字经济与新一代人工智能应用场景"),
    ("medical-data-ai", "医疗大数据及AI", "Medical big data and AI",
     "在成都医学城嵌入医疗大数据及AI应用场景"),
    ("5g-audiovisual", "5G应用与网络视听", "5G applications and online audiovisual",
     "在成都新经济活力区、白鹭湾新经济总部功能区嵌入5G应用与网络视听等应用场景"),
    ("supply-chain", "现代供应链", "Modern supply chain",
     "在武侯电商产业功能区、青白江国际铁路港等嵌入现代供应链创新应用场景"),
]
# The kinds the opportunity lists use; not named by the plan, so an administrator may change
# them (they are reference rows, not facts).
KINDS = [
    ("need", "需求", "A need to be met"),
    ("capability", "能力", "A capability offered"),
    ("scenario", "场景", "A scenario to build"),
    ("supply", "供给", "A supply"),
]
INDEX = "opportunities_version_search_gin"


def add_reference(apps):
    """The fields and kinds (also called by the tests after a transactional test's flush)."""
    Field = apps.get_model("opportunities", "Field")
    Kind = apps.get_model("opportunities", "Kind")
    for order, (code, name, name_en, clause) in enumerate(FIELDS):
        Field.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "clause": clause, "source": SOURCE, "order": order},
        )
    for order, (code, name, name_en) in enumerate(KINDS):
        Kind.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "order": order})


def add(apps, schema_editor):
    add_reference(apps)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "opportunities_version" '
            "USING gin (to_tsvector('simple'::regconfig, \"search_text\"))"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')
    apps.get_model("opportunities", "Field").objects.filter(code__in=[f[0] for f in FIELDS]).delete()
    apps.get_model("opportunities", "Kind").objects.filter(code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
