// Behaviour for buttons that would otherwise need inline script (the CSP forbids it).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-portal-print]")) {
    window.print();
  }
});
