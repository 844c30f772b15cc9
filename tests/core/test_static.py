from django.contrib.staticfiles import finders


def test_every_asset_the_pages_use_ships_with_a_package():
    for asset in (
        "padu/padu.css",
        "padu/visit.js",
        "vendor/idb-keyval/umd.js",
        "django_htmx/htmx-2.min.js",
        "admin/css/base.css",
    ):
        assert finders.find(asset), asset


def test_every_page_has_its_icon(client):
    page = client.get("/akun/masuk/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
