"""Static files that ship inside other Python packages (a chart library's bundled
JavaScript), found where pip put them: nothing is downloaded at run time, nothing copied
into the repository."""

from importlib import resources

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


class PackageFileFinder(BaseFinder):
    """``settings.PACKAGE_STATIC_FILES``: static path → (package, path inside it)."""

    def _files(self) -> dict[str, str]:
        return {
            name: str(resources.files(package).joinpath(inside))
            for name, (package, inside) in settings.PACKAGE_STATIC_FILES.items()
        }

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        found = self._files().get(path)
        if found is None:
            return [] if find_all else None
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for name, path in self._files().items():
            folder, _, file_name = path.rpartition("/")
            storage = FileSystemStorage(location=folder)
            storage.prefix = name.rpartition("/")[0]
            yield file_name, storage
