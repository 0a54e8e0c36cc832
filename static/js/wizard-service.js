// Requested Service + Diagnosis (CSP: no inline script). Without this file every button still
// works: a picked code posts the form and the page comes back with it in its box.

// A code picked from LOOKUP's list goes into its box, and the list closes.
document.addEventListener("click", (event) => {
  const pick = event.target.closest("[data-diagnosis-fill]");
  if (!pick) {
    return;
  }
  const input = document.getElementById(pick.dataset.diagnosisFill);
  if (!input) {
    return;
  }
  event.preventDefault();
  input.value = pick.value;
  const results = pick.closest("[data-diagnosis-results]");
  if (results) {
    results.replaceChildren();
  }
  input.focus();
});

// Enter in a search or diagnosis box runs that box's own SEARCH or LOOKUP, never CONTINUE.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter") {
    return;
  }
  const input = event.target.closest("[data-lookup-button]");
  const button = input && document.getElementById(input.dataset.lookupButton);
  if (!button) {
    return;
  }
  event.preventDefault();
  button.click();
});
