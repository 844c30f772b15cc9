from django.views.generic import DetailView, ListView


class FamilyListView(ListView):
    pass


class FamilyDetailView(DetailView):
    pass
