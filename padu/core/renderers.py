"""How forms draw their widgets: Jinja2 with Django's own Jinja2 widget templates (several
times faster than Django's template engine on a form of sixty widgets, the operator's visit
form), falling back to Django's engine for a template only it has (the admin's widgets,
django-leaflet's)."""

from functools import cached_property

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
