// Draws ROC curves ({part, auc, points: [[fpr, tpr], ...]}) as an SVG; no library needed.
window.drawRoc = (function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  const SIZE = 400, LEFT = 64, RIGHT = 16, TOP = 12, BOTTOM = 52;

  function el(name, attributes, text) {
    const node = document.createElementNS(NS, name);
    for (const key in attributes) node.setAttribute(key, attributes[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const x = function (fpr) { return LEFT + fpr * (SIZE - LEFT - RIGHT); };
  const y = function (tpr) { return SIZE - BOTTOM - tpr * (SIZE - TOP - BOTTOM); };

  return function drawRoc(container, curves) {
    const names = curves.map(function (c) { return c.part + " rows, AUC " + String(c.auc); });
    const svg = el("svg", { class: "chart roc", viewBox: "0 0 " + SIZE + " " + SIZE, role: "img", "aria-labelledby": "roc-title" });
    svg.append(el("title", { id: "roc-title" }, "ROC curve: " + names.join("; ")));
    for (let t = 0; t <= 1.0001; t += 0.25) {
      svg.append(el("line", { class: "grid", x1: x(0), x2: x(1), y1: y(t), y2: y(t) }));
      svg.append(el("text", { class: "tick", x: x(0) - 6, y: y(t) + 4, "text-anchor": "end" }, t.toFixed(2)));
      svg.append(el("text", { class: "tick", x: x(t), y: y(0) + 18, "text-anchor": "middle" }, t.toFixed(2)));
    }
    svg.append(el("line", { class: "axis", x1: x(0), x2: x(0), y1: y(0), y2: y(1) }));
    svg.append(el("line", { class: "axis", x1: x(0), x2: x(1), y1: y(0), y2: y(0) }));
    svg.append(el("line", { class: "chance", x1: x(0), y1: y(0), x2: x(1), y2: y(1) }));
    svg.append(el("text", { class: "axis-label", x: (x(0) + x(1)) / 2, y: SIZE - 8, "text-anchor": "middle" }, "False positive rate"));
    const middle = (y(0) + y(1)) / 2;
    svg.append(el("text", { class: "axis-label", x: 14, y: middle, "text-anchor": "middle", transform: "rotate(-90 14 " + middle + ")" }, "True positive rate"));
    for (const curve of curves) {
      const points = curve.points.map(function (p) { return x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1); }).join(" ");
      svg.append(el("polyline", { class: "curve " + curve.part, points: points, "data-part": curve.part }));
    }
    const legend = document.createElement("ul");
    legend.className = "legend";
    curves.forEach(function (curve, i) {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch " + curve.part;
      swatch.setAttribute("aria-hidden", "true");
      item.append(swatch, names[i].charAt(0).toUpperCase() + names[i].slice(1));
      legend.append(item);
    });
    container.replaceChildren(svg, legend);
  };
})();
