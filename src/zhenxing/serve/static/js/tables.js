/* zhenxing: sortable, filterable tables whose CSV/XLSX downloads follow what is on screen.
 *
 * The server renders every row; this script only reorders and hides them. Sorting and filtering
 * follow the server's rules (pages_tables.py): numbers by data-sort, text by its lower-cased form,
 * empty cells last; a row matches the filter when its data-search text holds every word typed.
 * The download links carry sort, dir and filter, so the file holds the rows in the order shown.
 */
(function () {
  "use strict";

  function cellKey(cell) {
    if (!cell) return { blank: true, num: null, text: "" };
    var sort = cell.getAttribute("data-sort");
    var text = cell.hasAttribute("data-text") ? cell.getAttribute("data-text") : cell.textContent.trim().toLowerCase();
    if (sort !== null && sort !== "") {
      var n = Number(sort);
      if (isFinite(n)) return { blank: false, num: n, text: "" };
    }
    return { blank: text === "", num: null, text: text };
  }

  function compare(a, b) {
    if (a.num !== null && b.num !== null) return a.num - b.num;
    if (a.num !== null) return -1;
    if (b.num !== null) return 1;
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }

  function setup(table) {
    var id = table.id;
    var tbody = table.tBodies[0];
    if (!tbody) return;
    var rows = Array.prototype.slice.call(tbody.rows);
    var original = rows.slice();
    var state = { sort: null, dir: null, filter: "" };
    var filterInput = document.querySelector('[data-filter-for="' + id + '"]');
    var counter = document.querySelector('[data-count-for="' + id + '"]');
    var empty = document.querySelector('[data-empty-for="' + id + '"]');
    var links = document.querySelectorAll('[data-export-for="' + id + '"]');
    links.forEach(function (a) { a.setAttribute("data-base", a.getAttribute("href")); });

    function updateLinks() {
      links.forEach(function (a) {
        var url = new URL(a.getAttribute("data-base"), window.location.origin);
        ["sort", "dir", "filter"].forEach(function (k) { url.searchParams.delete(k); });
        if (state.sort) { url.searchParams.set("sort", state.sort); url.searchParams.set("dir", state.dir); }
        if (state.filter) url.searchParams.set("filter", state.filter);
        a.setAttribute("href", url.pathname + url.search);
      });
    }

    function apply() {
      var words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var hay = (row.getAttribute("data-search") || row.textContent).toLowerCase();
        var ok = words.every(function (w) { return hay.indexOf(w) !== -1; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (counter) {
        counter.textContent = (counter.getAttribute("data-template") || "{shown} / {total}")
          .replace("{shown}", String(shown)).replace("{total}", String(rows.length));
      }
      if (empty) empty.hidden = shown !== 0;
      updateLinks();
    }

    function sortBy(index, key) {
      var th = table.tHead.rows[0].cells[index];
      var dir = state.sort === key && state.dir === "asc" ? "desc" : "asc";
      if (state.sort === key && state.dir === "desc") { // third click: back to the server's order
        state.sort = null; state.dir = null;
        rows = original.slice();
      } else {
        state.sort = key; state.dir = dir;
        var keyed = original.map(function (row) { return { row: row, key: cellKey(row.cells[index]) }; });
        var filled = keyed.filter(function (k) { return !k.key.blank; });
        var blank = keyed.filter(function (k) { return k.key.blank; });
        filled.sort(function (a, b) {
          var c = compare(a.key, b.key);
          return dir === "desc" ? -c : c;
        });
        rows = filled.concat(blank).map(function (k) { return k.row; });
      }
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.setAttribute("aria-sort", "none"); });
      if (state.sort) th.setAttribute("aria-sort", state.dir === "asc" ? "ascending" : "descending");
      rows.forEach(function (row) { tbody.appendChild(row); });
      apply();
    }

    Array.prototype.forEach.call(table.tHead ? table.tHead.rows[0].cells : [], function (th, index) {
      var button = th.querySelector("button.sort");
      if (!button) return;
      button.addEventListener("click", function () { sortBy(index, th.getAttribute("data-key")); });
    });
    if (filterInput) {
      filterInput.addEventListener("input", function () { state.filter = filterInput.value.trim(); apply(); });
    }
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.data-table").forEach(setup);
  });
})();
