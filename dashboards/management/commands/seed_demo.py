from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from dashboards.demo import DEMO_PASSWORD, seed
from territory.models import Unit


class Command(BaseCommand):
    help = "生成演示数据（确定性，标注为“演示”）：补足66个功能区、生态圈、发展阶段，以及各角色的演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", dest="random_seed", type=int, default=2020, help="随机种子（默认 2020）"
        )

    def handle(self, *args, random_seed: int, **options):
        if not Unit.objects.filter(code="510100").exists():
            raise CommandError(
                "请先载入计划文件：manage.py load_plan plans/data/territory-chengdu.yaml plans/data/plan-2020.yaml"
            )
        result = seed(seed=random_seed)
        with translation.override("zh-hans"):
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示数据已就绪（新建演示功能区 {result['zones_created']} 个，演示产业载体 {result['carriers']} 个，演示公服项目 {result['service_projects']} 个，演示招商项目 {result['investment_projects']} 个）。"
                )
            )
            self.stdout.write(
                f"演示账号（密码均为 {DEMO_PASSWORD}），登录 http://127.0.0.1:8000/ ："
            )
            for user in result["users"]:
                unit = Unit.objects.get(code=user.unit_code)
                self.stdout.write(f"  {user.username:<10} {user.role.label}（{unit.name}）")
