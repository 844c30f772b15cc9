# The URL matrix's world of two cities, for the tests that walk every page.
from .test_url_matrix import world  # noqa: F401
