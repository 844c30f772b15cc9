from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    name = "padu.core"
    label = "core"
    verbose_name = _("Inti")


class BackgroundTasksConfig(TasksAppConfig):
    """django-tasks-db's queue, named in the admin as its users say it."""

    verbose_name = _("Antrean pekerjaan latar")
