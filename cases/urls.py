from django.urls import include, path

from cases.wizard.views import drafts, patient, program_paths, provider, service, site, start

app_name = "cases"

step = "<uuid:public_id>/"

urlpatterns = [
    # Request an Authorization (Clinical Certification): choose the program, start a draft.
    path("request/", start.start, name="start"),
    # Certification Requests In Progress: the office's drafts, Resume and Delete.
    path("in-progress/", drafts.in_progress, name="in-progress"),
    path(f"{step}", drafts.resume, name="resume"),
    path(f"{step}delete/", drafts.delete, name="delete"),
    # The wizard, one URL per step (cases.wizard.steps).
    path(f"{step}program/", start.program, name="wizard-program"),
    path(f"{step}follow-on/", program_paths.follow_on, name="wizard-follow-on"),
    path(f"{step}dme-role/", program_paths.dme_role, name="wizard-dme-role"),
    path(f"{step}provider/", provider.provider, name="wizard-provider"),
    path(f"{step}insurer/", provider.insurer, name="wizard-insurer"),
    path(f"{step}contact/", provider.contact, name="wizard-contact"),
    path(f"{step}date-of-service/", patient.date_of_service, name="wizard-date-of-service"),
    path(f"{step}patient/", patient.patient, name="wizard-patient"),
    path(f"{step}service/", service.service, name="wizard-service"),
    path(f"{step}confirm/", service.confirm, name="wizard-confirm"),
    path(f"{step}site/", site.site, name="wizard-site"),
    path(f"{step}proceed/", site.proceed, name="wizard-proceed"),
    # After lock-in: the clinical phase (its questions arrive with the clinical-phase issue).
    path(f"{step}clinical/", site.clinical, name="wizard-clinical"),
    # The clinical phase after lock-in, the summary and the uploads (cases.clinical).
    path("", include("cases.clinical.urls")),
    # After submission: Certification Summary and My Worklist, the letters (Correspondence),
    # Authorization Lookup with Upload Additional Clinical, ALL POST DECISION OPTIONS.
    path("", include("cases.tracking.urls")),
    path("", include("cases.letters.urls")),
    path("", include("cases.lookup.urls")),
    path("", include("cases.post_decision.urls")),
    # Medical review: the reviewers' queue and case screen (cases.review).
    path("", include("cases.review.urls")),
]
