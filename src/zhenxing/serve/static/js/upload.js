/* zhenxing: drag-and-drop upload with progress and one result per file.
 *
 * Each file goes in its own request to the JSON API (POST /api/documents, multipart field "file",
 * the CSRF token in X-CSRF-Token), so each has its own progress bar and its own error, and one bad
 * file never holds up the others. After a file is stored, its first facts are fetched from
 * /api/facts and listed, each a link to its sentence in the document page.
 * Everything shown is set with textContent: file names and figures come from the uploads.
 */
(function () {
  "use strict";

  var FACTS_SHOWN = 12;

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] !== undefined ? String(values[k]) : m;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function documentUrl(docId, factId) {
    var base = "/document/" + encodeURIComponent(docId);
    return factId ? base + "?fact=" + encodeURIComponent(factId) + "#fact-" + encodeURIComponent(factId) : base;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("upload-form");
    var zone = document.getElementById("dropzone");
    var input = document.getElementById("file-input");
    var list = document.getElementById("upload-list");
    if (!form || !zone || !input || !list) return;
    var msg = function (name) { return form.getAttribute("data-msg-" + name) || name; };
    var endpoint = form.getAttribute("data-endpoint");
    var csrf = form.getAttribute("data-csrf");
    var queue = [];
    var busy = false;

    function showFacts(item, docId) {
      var url = "/api/facts?doc=" + encodeURIComponent(docId) + "&limit=" + FACTS_SHOWN;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (page) {
          if (!page || !page.items || !page.items.length) return;
          var ul = el("ul", "facts-list");
          page.items.forEach(function (f) {
            var li = el("li");
            var a = el("a", "fact-link", f.text || String(f.value));
            a.href = documentUrl(f.doc_id, f.id);
            li.appendChild(a);
            var what = [msg("kind-" + f.kind), f.label || f.indicator, f.period].filter(Boolean).join(" · ");
            li.appendChild(el("span", "muted", " " + what));
            ul.appendChild(li);
          });
          item.appendChild(ul);
        })
        .catch(function () { /* the link to the document still shows them */ });
    }

    function finish(item, state, result) {
      item.bar.hidden = true;
      if (result && (result.status === "added" || result.status === "unchanged" || result.status === "reprocessed")) {
        item.node.classList.add("done");
        item.node.setAttribute("data-state", "done");
        var label = result.status === "unchanged" ? msg("unchanged") : msg("done");
        item.state.textContent = label + " · " + fill(msg("facts"), { n: result.facts || 0 }) + " · ";
        var view = el("a", "view-facts", msg("view"));
        view.href = documentUrl(result.doc_id);
        item.state.appendChild(view);
        item.node.setAttribute("data-doc", result.doc_id);
        showFacts(item.node, result.doc_id);
      } else {
        item.node.classList.add("failed");
        item.node.setAttribute("data-state", "failed");
        item.state.textContent = msg("failed") + ": " + state;
      }
    }

    function send(item) {
      var data = new FormData();
      data.append("file", item.file, item.file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", endpoint);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.round((e.loaded / e.total) * 100);
        item.bar.value = pct;
        item.state.textContent = fill(msg("uploading"), { percent: pct });
        if (pct >= 100) item.state.textContent = msg("processing");
      });
      xhr.upload.addEventListener("load", function () {
        item.bar.removeAttribute("value"); // indeterminate while the server reads and extracts
        item.state.textContent = msg("processing");
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        var result = body && body.results && body.results[0];
        if (xhr.status === 401) finish(item, msg("signin"), null);
        else if (result && result.status !== "error") finish(item, "", result);
        else finish(item, (result && result.error) || (body && body.error) || ("HTTP " + xhr.status), null);
        next();
      });
      xhr.addEventListener("error", function () { finish(item, msg("network"), null); next(); });
      xhr.send(data);
    }

    function next() {
      busy = false;
      var item = queue.shift();
      if (item) { busy = true; send(item); }
    }

    function add(files) {
      Array.prototype.forEach.call(files, function (file) {
        var node = el("li", "upload-item");
        node.setAttribute("data-state", "waiting");
        node.appendChild(el("div", "file-name", file.name));
        var bar = el("progress");
        bar.max = 100;
        bar.value = 0;
        node.appendChild(bar);
        var state = el("div", "state", msg("waiting"));
        node.appendChild(state);
        list.appendChild(node);
        queue.push({ file: file, node: node, bar: bar, state: state });
      });
      if (!busy) next();
    }

    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files) add(e.dataTransfer.files);
    });
    zone.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); }
    });
    input.addEventListener("change", function () {
      add(input.files);
      input.value = "";
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  });
})();
