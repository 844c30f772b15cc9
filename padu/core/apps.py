from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    default = True  # this module holds another app's config too
    name = "padu.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self):
        from . import lookups  # noqa: F401  (registers CharField's __begins)


class BackgroundTasksConfig(TasksAppConfig):
    """django-tasks-db's queue, named in the admin as its users say it."""

    default = False
    verbose_name = _("Antrean pekerjaan latar")
