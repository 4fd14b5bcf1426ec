"""Tasks the job tests enqueue: one that finishes, one that is refused, one that breaks."""

from django_tasks import task

from core.refusals import Refusal
from jobs.services import Context, run


@task()
def count_to(job_id: str, attempt: int) -> str:
    def work(context: Context) -> str:
        of = context.params.get("of", 3)
        for n in range(1, of + 1):
            context.progress(100 * n // of, f"{n}/{of}")
        context.summary(f"数到了 {of}")
        return context.params.get("result_url", "")

    return run(job_id, attempt, work)


@task()
def refuse(job_id: str, attempt: int) -> str:
    def work(context: Context) -> str:
        raise Refusal(context.params["why"])

    return run(job_id, attempt, work)


@task()
def break_down(job_id: str, attempt: int) -> str:
    def work(context: Context) -> str:
        raise RuntimeError("a bug the user must not read")

    return run(job_id, attempt, work)
