from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from eligibility.errors import EligibilityError
from eligibility.forms import EligibilityLookupForm
from eligibility.selectors import diagnosis_search
from eligibility.services import member_eligibility_lookup

DIAGNOSIS_RESULTS = 20


@never_cache
@require_http_methods(["GET", "POST"])
def eligibility_lookup(request: HttpRequest) -> HttpResponse:
    """Eligibility Lookup: Health Plan, Patient ID and Date of Birth, then one line per program.
    The result is rendered in answer to the POST, so no patient data reaches a URL."""
    today = timezone.localdate()
    form = EligibilityLookupForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            result = member_eligibility_lookup(
                request=request,
                user=request.user,
                health_plan=form.cleaned_data["health_plan"],
                patient_id=form.cleaned_data["patient_id"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                on=today,
            )
        except EligibilityError as error:
            form.add_error(error.field, error.message)
        else:
            return render(request, "eligibility/result.html", {"result": result})
    return render(request, "eligibility/lookup.html", {"form": form})


@require_GET
def diagnosis_lookup(request: HttpRequest) -> HttpResponse:
    """Primary/secondary diagnosis lookup by code or description (billable ICD-10-CM codes),
    a fragment the case-build wizard swaps in with htmx."""
    term = request.GET.get("q", "")[:80]
    codes = diagnosis_search(term, billable_only=True, limit=DIAGNOSIS_RESULTS)
    return render(
        request, "eligibility/partials/diagnosis_results.html", {"term": term, "codes": codes}
    )
