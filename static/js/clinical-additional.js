// "Is there any additional information…": the notes box shows only for the choices with notes,
// the Clinical Upload box only for the choices with an upload. Without JavaScript both are
// shown (the server takes notes and files only for those choices).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-additional-info-form]");
  if (!form) return;
  const notes = form.querySelector("[data-notes-section]");
  const upload = form.querySelector("[data-upload-section]");
  const update = () => {
    const chosen = form.querySelector('input[name="additional_info"]:checked');
    notes.hidden = !(chosen && chosen.hasAttribute("data-with-notes"));
    upload.hidden = !(chosen && chosen.hasAttribute("data-with-upload"));
  };
  form.querySelectorAll('input[name="additional_info"]').forEach((radio) => {
    radio.addEventListener("change", update);
  });
  update();
});
