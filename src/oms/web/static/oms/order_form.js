/* The manual order form: line totals and the order total as the clerk types; "add line" copies a row. */
(function () {
  const form = document.getElementById("manual-form");
  const num = (v) => { const n = parseFloat(v); return isNaN(n) ? 0 : n; };
  function recompute() {
    let goods = 0;
    form.querySelectorAll("tr.line-row").forEach((row) => {
      const del = row.querySelector("input[type=checkbox]");
      const t = num(row.querySelector(".qty").value) * num(row.querySelector(".price").value);
      row.querySelector(".line-total").textContent = t.toFixed(2);
      if (!del || !del.checked) goods += t;
    });
    const total = goods + num(form.elements["shipping_amount"].value) - num(form.elements["discount_amount"].value);
    document.getElementById("goods").textContent = goods.toFixed(2);
    document.getElementById("total").textContent = total.toFixed(2);
  }
  form.addEventListener("input", recompute);
  form.addEventListener("change", recompute);
  document.getElementById("add-line").addEventListener("click", () => {
    const total = form.querySelector("input[name=lines-TOTAL_FORMS]");
    const rows = document.getElementById("line-rows");
    const copy = rows.querySelector("tr.line-row").cloneNode(true);
    const n = parseInt(total.value, 10);
    copy.querySelectorAll("input").forEach((el) => {
      el.name = el.name.replace(/lines-\d+-/, "lines-" + n + "-");
      if (el.type === "checkbox") el.checked = false; else el.value = "";
    });
    rows.appendChild(copy);
    htmx.process(copy);
    total.value = n + 1;
    recompute();
  });
  recompute();
})();
