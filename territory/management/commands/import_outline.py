from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.geo import CRS
from territory.geometry import GeometryError, check_coordinates, convert, read_shape
from territory.models import Unit
from territory.services import outline_problems, save_outline


class Command(BaseCommand):
    help = (
        "导入一个区（市）县或开发单元的区界（GeoJSON、KML 或 zip 打包的 Shapefile），"
        "作为地图在内网无底图时的底图。"
    )

    def add_arguments(self, parser):
        parser.add_argument("unit", help="区（市）县或开发单元的代码，如 510107")
        parser.add_argument("file", help="区界文件")
        parser.add_argument(
            "--crs",
            choices=[code for code, _ in CRS.CHOICES],
            default=CRS.WGS84,
            help="文件使用的坐标系（默认 wgs84，即 WGS84/CGCS2000）",
        )

    def handle(self, *args, unit: str, file: str, crs: str, **options):
        target = Unit.objects.filter(code=unit).first()
        if target is None:
            raise CommandError(f"没有代码为“{unit}”的单位")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        limit = settings.ZONEPLAN_GEOMETRY_MAX_BYTES
        if path.stat().st_size > limit:  # refused before it is read into memory
            raise CommandError(
                f"文件过大（{path.stat().st_size / 1024 / 1024:.1f} MB，上限 {limit / 1024 / 1024:.1f} MB）"
            )
        try:
            raw = read_shape(path.read_bytes(), path.name)
        except GeometryError as error:
            raise CommandError(str(error)) from None
        problems = check_coordinates(raw) or outline_problems(
            unit=target, geometry=convert(raw, crs)
        )
        if problems:
            raise CommandError("；".join(p.message for p in problems))
        with transaction.atomic():
            outline = save_outline(
                unit=target, geometry=convert(raw, crs), crs=crs, source=path.name
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入“{target.name}”的区界，面积 {outline.area_m2 / 1_000_000:,.2f} 平方公里。"
            )
        )
