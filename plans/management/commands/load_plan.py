from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.planfile import PlanFileError
from plans.services import load_plan_files

KINDS = {
    "industry_groups": "产业门类",
    "ecosystems": "产业生态圈",
    "stages": "发展阶段",
    "units": "单位",
    "belts": "产业带",
    "plans": "计划",
    "sections": "章节",
    "indicators": "指标",
    "targets": "目标任务",
    "milestones": "阶段目标",
    "changes": "单位变更",
}
OUTCOMES = {"created": "新建", "updated": "更新", "unchanged": "未变"}


class Command(BaseCommand):
    help = "载入计划文件（YAML）：单位树、参考数据、计划与目标任务。全部检查通过后在一个事务中写入；重复载入不改变任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="一个或多个计划文件，按顺序载入")

    def handle(self, *args, files, **options):
        try:
            summary = load_plan_files(paths=files)
        except PlanFileError as exc:
            raise CommandError(str(exc)) from None
        for warning in summary.warnings:
            self.stdout.write(self.style.WARNING(f"提醒：{warning}"))
        for kind, label in KINDS.items():
            counts = {o: summary.get((kind, o), 0) for o in OUTCOMES}
            if any(counts.values()):
                parts = "，".join(f"{OUTCOMES[o]} {n}" for o, n in counts.items() if n)
                self.stdout.write(f"{label}：{parts}")
        if summary.changed:
            self.stdout.write(self.style.SUCCESS(f"已载入，{summary.changed} 项有变化。"))
        else:
            self.stdout.write(self.style.SUCCESS("已载入，数据库未发生变化。"))
