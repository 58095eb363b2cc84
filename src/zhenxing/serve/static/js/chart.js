/* zhenxing: an indicator's targets and results over the years, drawn with the vendored ECharts.
 *
 * The data comes from the page (data-chart, JSON written by the server); nothing is fetched.
 * Every point carries the URL of the sentence that states it: clicking a point opens it.
 * Tooltips are built as DOM nodes with textContent, never from HTML strings: labels and document
 * names come from documents, which are untrusted.
 */
(function () {
  "use strict";

  function sameSite(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\";
  }

  function compact(lang) {
    try {
      return new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en", { notation: "compact", maximumFractionDigits: 2 });
    } catch (e) {
      return { format: function (n) { return String(n); } };
    }
  }

  function tooltip(params) {
    var box = document.createElement("div");
    box.className = "chart-tip";
    var d = params.data || {};
    var head = document.createElement("div");
    head.textContent = params.seriesName + " · " + (d.period || "");
    var figure = document.createElement("div");
    figure.className = "tip-figure";
    figure.textContent = d.figure || "";
    var doc = document.createElement("div");
    doc.className = "tip-doc";
    doc.textContent = (d.doc || "") + (d.sources > 1 ? " (+" + (d.sources - 1) + ")" : "");
    box.appendChild(head);
    box.appendChild(figure);
    box.appendChild(doc);
    return box;
  }

  function draw(el) {
    var spec;
    try { spec = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
    if (!window.echarts) return;
    var fmt = compact(spec.lang);
    var index = {};
    spec.periods.forEach(function (p, i) { index[p] = i; });
    function points(list) {
      return list.map(function (p) {
        return { value: [index[p.period], p.value], period: p.period, figure: p.figure, url: p.url, doc: p.doc, sources: p.sources };
      });
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 64, right: 24, top: 48, bottom: 36 },
      legend: { data: [spec.names.target, spec.names.result], top: 0, right: 8 },
      tooltip: { trigger: "item", confine: true, formatter: tooltip },
      xAxis: { type: "category", data: spec.periods, boundaryGap: true, axisTick: { alignWithLabel: true } },
      yAxis: {
        type: "value", scale: true, name: spec.unitLabel, nameLocation: "end", nameGap: 14,
        nameTextStyle: { align: "left" },
        axisLabel: { formatter: function (v) { return fmt.format(v); } }
      },
      series: [
        {
          name: spec.names.target, type: "scatter", symbol: "diamond", symbolSize: 16,
          itemStyle: { color: "#8250df" }, data: points(spec.targets), cursor: "pointer", z: 3
        },
        {
          name: spec.names.result, type: "line", symbol: "circle", symbolSize: 11,
          itemStyle: { color: "#0969da" }, lineStyle: { width: 2 }, cursor: "pointer", z: 2,
          data: points(spec.results).sort(function (a, b) { return a.value[0] - b.value[0]; })
        }
      ]
    });
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (sameSite(url)) window.location.assign(url);
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-ready", "1");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
