/* zhenxing: a document beside its translation. Pointing at (or focusing, or clicking) a figure
 * lights up the same figure in the other language and scrolls it into view; the figure the page
 * was opened for is brought into view in its pane. Only classes change: no HTML is written. */
(function () {
  "use strict";

  function byFact(id) {
    return id ? document.getElementById("fact-" + id) : null;
  }

  function reveal(el) {
    if (!el) return;
    var pane = el.closest(".doc-text");
    if (!pane) return;
    var top = el.offsetTop - pane.offsetTop - pane.clientHeight / 3;
    pane.scrollTop = Math.max(0, top);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var lit = [];
    function clear() {
      lit.forEach(function (el) { el.classList.remove("peer"); });
      lit = [];
    }
    function light(mark, scroll) {
      clear();
      var peer = byFact(mark.getAttribute("data-peer"));
      if (!peer) return;
      peer.classList.add("peer");
      mark.classList.add("peer");
      lit = [peer, mark];
      if (scroll) reveal(peer);
    }
    document.querySelectorAll("mark.fact[data-peer]").forEach(function (mark) {
      mark.addEventListener("mouseenter", function () { light(mark, true); });
      mark.addEventListener("focus", function () { light(mark, true); });
      mark.addEventListener("click", function () { light(mark, true); });
    });

    // The figure or sentence a link pointed at: in view inside its own scrolling pane.
    var current = document.querySelector("mark.fact.current, .anchor.current") || document.getElementById("focus");
    if (current) {
      reveal(current);
      if (current.getAttribute("data-peer")) light(current, true);
    }
    // Clicking a figure in the facts table lands on it inside the pane too.
    window.addEventListener("hashchange", function () {
      var target = document.getElementById(window.location.hash.slice(1));
      if (target && target.matches("mark.fact, .anchor")) {
        reveal(target);
        if (target.getAttribute("data-peer")) light(target, true);
      }
    });
  });
})();
