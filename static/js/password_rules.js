// Password Maintenance: tick each rule as the person types. The server remains the judge.
(() => {
  const list = document.querySelector("[data-password-rules]");
  if (!list) {
    return;
  }
  const password = document.getElementById(list.dataset.password);
  const confirm = document.getElementById(list.dataset.confirm);
  const minLength = Number(list.dataset.minLength) || 0;
  const checks = {
    length: () => password.value.length >= minLength,
    "not-numeric": () => password.value.length > 0 && !/^\d+$/.test(password.value),
    match: () => password.value.length > 0 && password.value === confirm.value,
  };

  function update() {
    for (const item of list.querySelectorAll("[data-rule]")) {
      const met = checks[item.dataset.rule]();
      item.dataset.met = met ? "true" : "false";
      item.classList.toggle("text-success", met);
      item.querySelector(".portal-rule-mark").textContent = met ? "✓" : "○";
      item.querySelector(".portal-rule-state").textContent = met ? " (met)" : " (not met yet)";
    }
  }

  password.addEventListener("input", update);
  confirm.addEventListener("input", update);
  update();
})();
