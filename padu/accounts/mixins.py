from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin


class DataCustodianRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Pages for taking source data in and matching it (see User.can_manage_sources)."""

    def test_func(self):
        return self.request.user.can_manage_sources
