"""Load assessment scheme files (YAML). Each is checked whole before anything is written."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.framework import AssessmentError
from assessment.schemes import load_scheme


class Command(BaseCommand):
    help = "Load assessment scheme files (e.g. assessment/data/scheme-2020.yaml)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files, **options):
        for path in files:
            try:
                content = path.read_bytes()
            except OSError as error:
                raise CommandError(f"无法读取 {path}：{error.strerror}") from None
            try:
                scheme = load_scheme(content)
            except AssessmentError as error:
                raise CommandError(f"{path}：{error}") from None
            self.stdout.write(
                f"已载入考核方案：{scheme.name}（{scheme.nodes.count()} 个维度和指标）"
            )
