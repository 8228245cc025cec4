/* govreport review page: sorting and filtering the record table, and moving between the
   table and the text. The page is rendered by pipeline/qa/review.py; this script only
   reads the data block and never inserts markup (text goes in through textContent). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("govreport-data").textContent);
  var records = data.records;
  var tbody = document.querySelector("#records tbody");
  var rows = Array.prototype.slice.call(tbody.querySelectorAll("tr"));
  var rowByN = {};
  rows.forEach(function (tr) { rowByN[tr.dataset.n] = tr; });
  var filters = {
    section: document.getElementById("f-section"),
    type: document.getElementById("f-type"),
    kind: document.getElementById("f-kind"),
    status: document.getElementById("f-status"),
    fstatus: document.getElementById("f-fstatus"),
    text: document.getElementById("f-text")
  };
  var countEl = document.getElementById("row-count");
  var detail = document.getElementById("detail");

  // ---------------------------------------------------------------- filtering
  function applyFilters() {
    var sec = filters.section.value, type = filters.type.value, kind = filters.kind.value;
    var status = filters.status ? filters.status.value : "";
    var fstatus = filters.fstatus ? filters.fstatus.value : "";
    var needle = filters.text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (tr) {
      var ok = (!sec || (" " + tr.dataset.sections + " ").indexOf(" " + sec + " ") >= 0) &&
               (!type || tr.dataset.type === type) &&
               (!kind || tr.dataset.kind === kind) &&
               (!status || (status === "any" ? tr.dataset.status !== "unchanged" : tr.dataset.status === status)) &&
               (!fstatus || tr.dataset.fstatus === fstatus) &&
               (!needle || tr.textContent.toLowerCase().indexOf(needle) >= 0);
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    countEl.textContent = shown + " of " + rows.length + " records";
  }
  ["section", "type", "kind", "status", "fstatus"].forEach(function (k) {
    if (filters[k]) { filters[k].addEventListener("change", applyFilters); }
  });
  filters.text.addEventListener("input", applyFilters);

  // ---------------------------------------------------------------- sorting
  function sortValue(n, key) {
    var r = records[n];
    var v = key === "position" ? r.position : r[key];
    if (Array.isArray(v)) { v = v.join(" › "); }
    return v === null || v === undefined ? "" : v;
  }
  var headers = Array.prototype.slice.call(document.querySelectorAll("#records th[data-key]"));
  headers.forEach(function (th) {
    th.addEventListener("click", function () {
      var key = th.dataset.key;
      var desc = th.classList.contains("sorted-asc");
      headers.forEach(function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
      th.classList.add(desc ? "sorted-desc" : "sorted-asc");
      var numeric = th.dataset.numeric === "1";
      rows.sort(function (a, b) {
        var x = sortValue(a.dataset.n, key), y = sortValue(b.dataset.n, key);
        var c;
        if (numeric) {
          x = x === "" ? -Infinity : Number(x);
          y = y === "" ? -Infinity : Number(y);
          c = x - y;
        } else {
          c = String(x).localeCompare(String(y), "zh-CN");
        }
        if (c === 0) { c = records[a.dataset.n].position - records[b.dataset.n].position; }
        return desc ? -c : c;
      });
      rows.forEach(function (tr) { tbody.appendChild(tr); });
    });
  });

  // ---------------------------------------------------------------- selecting a record
  var current = [];
  function clearCurrent() {
    current.forEach(function (el) { el.classList.remove("current"); });
    current = [];
  }
  function addCurrent(el) { if (el) { el.classList.add("current"); current.push(el); } }

  function showDetail(r) {
    detail.hidden = false;
    detail.textContent = "";
    var h = document.createElement("h3");
    h.textContent = r.type + " " + r.text + (r.status ? " (" + r.status + ")" : "");
    detail.appendChild(h);
    var dl = document.createElement("dl");
    r.fields.forEach(function (pair) {
      var dt = document.createElement("dt");
      dt.textContent = pair[0];
      var dd = document.createElement("dd");
      dd.textContent = pair[1];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    detail.appendChild(dl);
  }

  function select(n, from) {
    var r = records[n];
    clearCurrent();
    var mark = document.getElementById("r-" + n);
    addCurrent(mark);
    if (mark && r.sentence !== null && r.sentence !== undefined) {
      addCurrent(document.getElementById("sent-" + r.sentence));
    }
    var row = rowByN[n];
    addCurrent(row);
    addCurrent(document.getElementById("tc-" + n));
    showDetail(r);
    if (from === "table" && mark) {
      mark.scrollIntoView({block: "center", inline: "nearest"});
    } else if (from === "text" && row && !row.hidden) {
      row.scrollIntoView({block: "nearest", inline: "nearest"});
    }
  }
  rows.forEach(function (tr) {
    tr.addEventListener("click", function () { select(tr.dataset.n, "table"); });
    tr.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(tr.dataset.n, "table"); }
    });
  });
  document.getElementById("doc").addEventListener("click", function (e) {
    var mark = e.target.closest ? e.target.closest("mark.rec") : null;
    if (mark) { select(mark.dataset.n, "text"); }
  });

  var figures = document.getElementById("tables");
  if (figures) {
    figures.addEventListener("click", function (e) {
      var cell = e.target.closest ? e.target.closest("td.fig") : null;
      if (cell) { select(cell.dataset.n, "table"); }
    });
    figures.addEventListener("keydown", function (e) {
      var cell = e.target.closest ? e.target.closest("td.fig") : null;
      if (cell && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); select(cell.dataset.n, "table"); }
    });
  }

  // ---------------------------------------------------------------- outline
  var links = Array.prototype.slice.call(document.querySelectorAll("#outline a[data-target]"));
  links.forEach(function (a) {
    a.addEventListener("click", function (e) {
      var target = document.getElementById(a.dataset.target);
      if (!target) { return; }
      e.preventDefault();
      target.scrollIntoView({block: "start"});
      links.forEach(function (l) { l.classList.remove("current"); });
      a.classList.add("current");
    });
  });

  applyFilters();
}());
