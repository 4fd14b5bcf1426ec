"""Build an index from indicator and metadata tables (COINr's iData/iMeta layout) and print the
ranking: to take in a composite indicator made elsewhere, or to try a method on it.

    manage.py assess_tables assessment/data/asem/iData.csv assessment/data/asem/iMeta.csv \\
        [--normalisation goalposts|minmax|zscore|rank] [--aggregation arithmetic|geometric] \\
        [--equal-weights] [--no-winsorise] [--top N]

With goalposts, each indicator's Target is the goalpost scoring 100. Nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.engine import run
from assessment.framework import AGGREGATIONS, NORMALISATIONS, AssessmentError, Method
from assessment.tables import MAX_BYTES, read_tables


class Command(BaseCommand):
    help = "Rank the units of indicator/metadata tables (iData.csv, iMeta.csv) by a method."

    def add_arguments(self, parser):
        parser.add_argument("data", type=Path)
        parser.add_argument("meta", type=Path)
        parser.add_argument("--normalisation", choices=sorted(NORMALISATIONS), default="minmax")
        parser.add_argument("--aggregation", choices=sorted(AGGREGATIONS), default="arithmetic")
        parser.add_argument("--equal-weights", action="store_true")
        parser.add_argument("--no-winsorise", action="store_true")
        parser.add_argument("--top", type=int, default=0, help="print only the first N")

    def handle(self, *args, data, meta, **options):
        contents = []
        for path in (data, meta):
            try:
                if path.stat().st_size > MAX_BYTES:
                    raise CommandError(f"{path}：文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）")
                contents.append(path.read_bytes())
            except OSError as error:
                raise CommandError(f"无法读取 {path}：{error.strerror}") from None
        method = Method(
            normalisation=options["normalisation"],
            aggregation=options["aggregation"],
            weighting="equal" if options["equal_weights"] else "manual",
            winsorise=not options["no_winsorise"],
        )
        try:
            tables = read_tables(*contents)
            framework = (
                tables.with_targets() if method.normalisation == "goalposts" else tables.framework
            )
            result = run(framework, method, tables.data, tables.units)
        except AssessmentError as error:
            raise CommandError(str(error)) from None
        order = sorted(range(len(tables.units)), key=lambda i: (result.ranks[i], tables.units[i]))
        if options["top"] > 0:
            order = order[: options["top"]]
        self.stdout.write(
            f"{len(tables.units)} 个单位 × {len(framework.indicators)} 项指标；"
            f"{method.normalisation} · {method.aggregation}"
        )
        for i in order:
            self.stdout.write(
                f"{int(result.ranks[i]):>4}  {tables.units[i]:<8} {result.index[i]:8.2f}  "
                f"{tables.names[tables.units[i]]}"
            )
