/* Console behaviours declared in the markup (the Content-Security-Policy allows no inline script):
   data-confirm="question"   on a form or a submit button: ask before submitting
   data-select-all="name"    on a checkbox: ticks every checkbox named `name`
   data-autosubmit           on a select: submits its form when changed
   data-copy-from="id"       on a button: copies that field's value; data-copied-label is shown after */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const button = event.submitter;
    const question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    const el = event.target;
    if (el.matches("input[data-select-all]")) {
      document.querySelectorAll('input[name="' + el.dataset.selectAll + '"]').forEach(function (box) {
        box.checked = el.checked;
      });
    } else if (el.matches("select[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy-from]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copyFrom);
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.value || source.textContent || "");
    }
    if (button.dataset.copiedLabel) button.textContent = button.dataset.copiedLabel;
  });
})();
