"""The case-build wizard's scenarios (issue 5, "Tests and speed"): every step's GET and POST,
and the searches of its steps (practitioner filter, member lookup, site search, diagnosis
search), each held to a p95 under 50 ms of server time.

They run against one radiology draft of the bench user's office, complete through the site
step and never locked in (bench.wizard_data makes it). The POSTs send the draft's own answers,
so nothing changes and nothing is cleared, and never the "proceed" step: that locks the draft.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from bench.client import Response, Session
from bench.scenarios import DIAGNOSIS_TERMS, Request, Scenario
from bench.server import BASE_DIR

WIZARD_TARGET_P95_MS = 50
# Must match bench.wizard_data.WIZARD_DATA_MARKER (that module imports Django).
WIZARD_DATA_MARKER = "BENCH_WIZARD_DATA "
_WIZARD_DATA_CODE = "from bench.wizard_data import main; main()"

# Each step and the title its page has (<title>, whatever the step's heading says).
STEP_TITLES = {
    "provider": "Requesting Provider Information",
    "insurer": "Choose Your Insurer",
    "contact": "Add Your Contact Info",
    "date-of-service": "Date of Service",
    "patient": "Patient Eligibility Lookup",
    "service": "Requested Service + Diagnosis",
    "confirm": "Confirm your service selection.",
    "site": "Add Site of Service",
    "proceed": "Proceed to Clinical Information",
}
# The steps wizard_post sends, in order: every step but "proceed" (the lock-in).
POSTED_STEPS = [step for step in STEP_TITLES if step != "proceed"]


@dataclass(frozen=True)
class WizardData:
    """What bench.wizard_data printed: the draft's id and answers, and the search samples."""

    draft: str
    practitioner: int
    health_plan: int
    practitioner_address: int
    contact: dict
    date_of_service: str  # MM/DD/YYYY
    service_performed: str  # "yes" / "no"
    patient_cell_phone: str
    patient_email: str
    procedure_code: str
    primary_diagnosis: str
    secondary_diagnosis: str
    is_bilateral: str  # "yes" / "no"
    site: int
    # [patient_id, MM/DD/YYYY, last_name]
    members: list[list[str]]
    practitioner_prefixes: list[str]
    # [id, npi, zip_code, leading words of the name]
    sites: list[list]

    @classmethod
    def from_output(cls, output: str) -> WizardData:
        """From the stdout of bench.wizard_data.main (the last line with the marker)."""
        lines = [line for line in output.splitlines() if line.startswith(WIZARD_DATA_MARKER)]
        if not lines:
            raise SystemExit("bench.wizard_data printed no data")
        return cls(**json.loads(lines[-1][len(WIZARD_DATA_MARKER) :]))

    def step_path(self, step: str) -> str:
        return f"/cases/{self.draft}/{step}/"

    def step_fields(self, step: str) -> dict[str, object]:
        """A step's POST with the draft's own answers (the CSRF token aside)."""
        if step == "provider":
            return {"practitioner": self.practitioner}
        if step == "insurer":
            return {
                "health_plan": self.health_plan,
                "practitioner_address": self.practitioner_address,
            }
        if step == "contact":
            fields = {k: v for k, v in self.contact.items() if k != "notify_by_email"}
            if self.contact["notify_by_email"]:
                fields["notify_by_email"] = "on"
            return fields
        if step == "date-of-service":
            return {
                "date_of_service": self.date_of_service,
                "service_performed": self.service_performed,
            }
        if step == "patient":
            return {
                "action": "contact" if self.patient_cell_phone else "unknown",
                "patient_cell_phone": self.patient_cell_phone,
                "patient_email": self.patient_email,
            }
        if step == "service":
            return {
                "procedure_code": self.procedure_code,
                "primary_diagnosis": self.primary_diagnosis,
                "secondary_diagnosis": self.secondary_diagnosis,
                "is_bilateral": self.is_bilateral,
            }
        if step == "confirm":
            return {}
        if step == "site":
            return {"action": "select", "site": self.site}
        raise ValueError(f"wizard_post never posts {step!r}")

    def redirect_after(self, step: str) -> str:
        """Where a step's POST goes once saved: the first step not complete, "proceed", for
        all but SELECT of a site, which shows the selected site on the site step again."""
        return self.step_path("site" if step == "site" else "proceed")


def wizard_data_prepare(env: dict[str, str]) -> WizardData:
    """The bench office, its draft and the samples (bench.wizard_data), made when missing."""
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", _WIZARD_DATA_CODE]
    # Our own fixed command, run with this interpreter; stderr goes to the terminal.
    done = subprocess.run(  # noqa: S603
        command, env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.wizard_data failed (exit status {done.returncode})")
    return WizardData.from_output(done.stdout)


def _step_of(response: Response) -> str:
    """The step of a wizard URL: /cases/<id>/<step>/?... -> <step>."""
    return urlsplit(response.path).path.rstrip("/").rsplit("/", 1)[-1]


def _has(response: Response, text: str) -> bool:
    return text.encode() in response.body


def wizard_get(data: WizardData) -> Scenario:
    """GET of every step of the draft in turn, "proceed" included (only its POST locks)."""
    paths = [data.step_path(step) for step in STEP_TITLES]

    def prepare(session: Session) -> Request:
        return lambda i: session.get(paths[i % len(paths)])

    def succeeded(response: Response) -> bool:
        title = STEP_TITLES.get(_step_of(response), "")
        return response.status == 200 and bool(title) and _has(response, f"<title>{title} ·")

    return Scenario(
        "wizard_get",
        WIZARD_TARGET_P95_MS,
        prepare,
        succeeded,
        part=_step_of,
        part_order=tuple(STEP_TITLES),
    )


def wizard_post(data: WizardData) -> Scenario:
    """POST of every step but "proceed" in turn, each with the draft's own answers: each must
    redirect (302, not followed) to where a saved step goes; anything else (a form shown again
    with errors, a redirect to an earlier step) is an error."""

    def prepare(session: Session) -> Request:
        token = session.csrf_token(data.step_path("proceed"))
        requests = [
            (data.step_path(step), {"csrfmiddlewaretoken": token, **data.step_fields(step)})
            for step in POSTED_STEPS
        ]

        def send(i: int) -> Response:
            path, fields = requests[i % len(requests)]
            return session.post(path, fields)

        return send

    def succeeded(response: Response) -> bool:
        step = _step_of(response)
        return (
            step in POSTED_STEPS
            and response.status == 302
            and urlsplit(response.location).path == data.redirect_after(step)
        )

    return Scenario(
        "wizard_post",
        WIZARD_TARGET_P95_MS,
        prepare,
        succeeded,
        part=_step_of,
        part_order=tuple(POSTED_STEPS),
    )


def practitioner_filter(data: WizardData) -> Scenario:
    """ "Filter Last Name or NPI" (GET provider step ?q=) by last-name prefixes of the office's
    practitioners: a page of them, each with SELECT."""
    paths = [
        f"{data.step_path('provider')}?{urlencode({'q': prefix})}"
        for prefix in data.practitioner_prefixes
    ]

    def prepare(session: Session) -> Request:
        return lambda i: session.get(paths[i % len(paths)])

    def succeeded(response: Response) -> bool:
        return response.status == 200 and _has(response, 'name="practitioner" value="')

    return Scenario("practitioner_filter", WIZARD_TARGET_P95_MS, prepare, succeeded)


def member_lookup(data: WizardData) -> Scenario:
    """ELIGIBILITY LOOKUP on the patient step (POST action=lookup) for covered members of the
    draft's plan: the Search Results row with SELECT (the member may be chosen)."""
    path = data.step_path("patient")

    def prepare(session: Session) -> Request:
        token = session.csrf_token(path)

        def send(i: int) -> Response:
            patient_id, born, last_name = data.members[i % len(data.members)]
            return session.post(
                path,
                {
                    "csrfmiddlewaretoken": token,
                    "action": "lookup",
                    "patient_id": patient_id,
                    "date_of_birth": born,
                    "last_name": last_name,
                },
            )

        return send

    def succeeded(response: Response) -> bool:
        return (
            response.status == 200
            and _has(response, "Search Results")
            and _has(response, 'name="action" value="select"')
        )

    return Scenario("member_lookup", WIZARD_TARGET_P95_MS, prepare, succeeded)


def site_search(data: WizardData) -> Scenario:
    """ "Specific Site Search" (GET site step, find=1) by NPI, then by zip code and the start
    of the name (Starts with), in turn: the sampled site must be among the results."""
    path = data.step_path("site")
    queries = []
    for pk, npi, zip_code, name in data.sites:
        queries.append((pk, f"{path}?{urlencode({'find': 1, 'npi': npi})}"))
        by_name = {"find": 1, "zip_code": zip_code, "name": name, "match": "starts"}
        queries.append((pk, f"{path}?{urlencode(by_name)}"))

    site_of = {url: pk for pk, url in queries}

    def prepare(session: Session) -> Request:
        return lambda i: session.get(queries[i % len(queries)][1])

    def succeeded(response: Response) -> bool:
        found = site_of.get(response.path)
        return (
            response.status == 200
            and found is not None
            and _has(response, f'name="site" value="{found}"')
        )

    return Scenario("site_search", WIZARD_TARGET_P95_MS, prepare, succeeded)


def wizard_diagnosis_search(data: WizardData) -> Scenario:
    """The service step's primary diagnosis LOOKUP (POST lookup=primary, as htmx sends it):
    the list of billable codes alone."""
    path = data.step_path("service")

    def prepare(session: Session) -> Request:
        token = session.csrf_token(path)

        def send(i: int) -> Response:
            term = DIAGNOSIS_TERMS[i % len(DIAGNOSIS_TERMS)]
            return session.post(
                path,
                {"csrfmiddlewaretoken": token, "lookup": "primary", "primary_diagnosis": term},
                headers={"HX-Request": "true"},
            )

        return send

    def succeeded(response: Response) -> bool:
        return (
            response.status == 200
            and _has(response, 'name="pick_primary"')
            and not _has(response, "<html")
        )

    return Scenario("wizard_diagnosis_search", WIZARD_TARGET_P95_MS, prepare, succeeded)


SCENARIOS = {
    "wizard_get": wizard_get,
    "wizard_post": wizard_post,
    "practitioner_filter": practitioner_filter,
    "member_lookup": member_lookup,
    "site_search": site_search,
    "wizard_diagnosis_search": wizard_diagnosis_search,
}
