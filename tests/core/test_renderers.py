"""Forms draw their widgets with Jinja2, and a widget whose template only Django's engine
has (the admin's, django-leaflet's) still draws."""

from django import forms
from django.forms.renderers import Jinja2

from padu.core.renderers import FormRenderer
from padu.regions.filters import RegionInput


class _Form(forms.Form):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "Satu"), ("b", "Dua")])


def test_widgets_are_drawn_by_jinja2(settings):
    assert settings.FORM_RENDERER == "padu.core.renderers.FormRenderer"
    renderer = FormRenderer()
    template = renderer.get_template("django/forms/widgets/select.html")
    assert isinstance(renderer, Jinja2) and "jinja2" in type(template).__module__
    html = str(_Form(renderer=renderer)["kind"])
    assert '<option value="b">Dua</option>' in html


def test_a_template_only_django_has_falls_back_to_django_s_engine():
    template = FormRenderer().get_template("admin/widgets/related_widget_wrapper.html")
    assert "django" in type(template).__module__ and "jinja2" not in type(template).__module__


def test_padu_s_own_widget_has_its_jinja2_template():
    widget = RegionInput()
    widget.options = [("33.74", "Kota Semarang")]
    html = widget.render("wilayah", "", attrs={"id": "id_wilayah"}, renderer=FormRenderer())
    assert '<option value="33.74">Kota Semarang</option>' in html and "<datalist" in html
