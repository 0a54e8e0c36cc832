// Date of service ("Attention!"): ask whether the service was already performed as soon as the
// date typed is today or past, in the decks' words; a future date means not performed. The page
// works without this (the server asks once such a date is submitted).
(() => {
  const question = document.querySelector("[data-dos-question]");
  const input = document.querySelector("[data-wizard-dos] input[name='date_of_service']");
  if (!question || !input || question.dataset.equipment === "1") {
    return;
  }
  const label = question.querySelector("legend, .form-label");

  // "06/13/2026" or "2026-06-13" as "2026-06-13" when it is a real date, else null.
  const isoDate = (value) => {
    let match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
    let year, month, day;
    if (match) {
      [month, day, year] = match.slice(1).map(Number);
    } else {
      match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      if (!match) {
        return null;
      }
      [year, month, day] = match.slice(1).map(Number);
    }
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      return null;
    }
    return date.toISOString().slice(0, 10);
  };

  const update = () => {
    const day = isoDate(input.value.trim());
    if (day === null) {
      return; // Still typing: leave the question as it is.
    }
    if (day > question.dataset.today) {
      question.hidden = true;
      question.querySelectorAll("input[type='radio']").forEach((radio) => {
        radio.checked = false;
      });
      return;
    }
    question.hidden = false;
    if (label) {
      label.textContent =
        day === question.dataset.today ? question.dataset.labelToday : question.dataset.labelPast;
    }
  };

  input.addEventListener("input", update);
  input.addEventListener("change", update);
})();
