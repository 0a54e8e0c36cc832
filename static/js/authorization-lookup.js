// Authorization Lookup: the two searches, one shown at a time as its radio is chosen. Without
// JavaScript both forms are shown and each posts its own search.
(() => {
  const choices = document.querySelectorAll("[data-lookup-choice]");
  const sections = document.querySelectorAll("[data-lookup-section]");
  if (!choices.length) {
    return;
  }
  const show = () => {
    const chosen = document.querySelector("[data-lookup-choice]:checked");
    sections.forEach((section) => {
      section.hidden = !chosen || section.dataset.lookupSection !== chosen.value;
    });
  };
  choices.forEach((choice) => {
    choice.addEventListener("change", () => {
      show();
      const section = document.querySelector(`[data-lookup-section="${choice.value}"]`);
      const first = section && section.querySelector("select, input:not([type=hidden])");
      if (first) {
        first.focus();
      }
    });
  });
  show();
})();
