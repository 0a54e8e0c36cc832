from django.urls import path

from cases.clinical.views import finishing, questions, summary, uploads, urgency

case = "<uuid:public_id>/"

urlpatterns = [
    path(f"{case}clinical/urgency/", urgency.urgency, name="clinical-urgency"),
    path(f"{case}clinical/questions/", questions.question, name="clinical-question"),
    path(
        f"{case}clinical/questions/<slug:key>/",
        questions.question_edit,
        name="clinical-question-edit",
    ),
    path(f"{case}clinical/additional/", finishing.additional, name="clinical-additional"),
    path(f"{case}clinical/submit/", finishing.submit, name="clinical-submit"),
    path(f"{case}summary/", summary.summary, name="summary"),
    path(f"{case}summary.pdf", summary.summary_pdf, name="summary-pdf"),
    path(f"{case}thank-you/", summary.thank_you, name="thank-you"),
    path(f"{case}uploads/<uuid:upload_id>/", uploads.download, name="upload-download"),
]
