// The public scoreboard: reads the aggregated index and scoreboard endpoints and draws them. No dossier-level data,
// nothing loaded from outside this service (the Content-Security-Policy allows only 'self').
"use strict";

const pad = n => String(n).padStart(2, "0");
const points = v => v === null || v === undefined ? "–" : Number(v).toFixed(2).replace(".", ",");
const percent = v => v === null || v === undefined ? "–" : (Number(v) * 100).toFixed(2).replace(".", ",") + " %";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function bilingual(vi, en) {
  const cell = el("td", {}, vi + " ");
  cell.append(el("span", { class: "en" }, en));
  return cell;
}

/** The period: ?from=&to= if given, else the month picked, else the current month in Vietnam time (UTC+7). */
function period() {
  const params = new URLSearchParams(location.search);
  if (params.get("from") && params.get("to")) return { from: params.get("from"), to: params.get("to") };
  let month = document.getElementById("month").value;
  if (!month) {
    const vn = new Date(Date.now() + 7 * 3600 * 1000);
    month = `${vn.getUTCFullYear()}-${pad(vn.getUTCMonth() + 1)}`;
  }
  const [y, m] = month.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(last)}` };
}

function renderIndex(index) {
  document.getElementById("total").textContent = points(index.totalPoints);
  document.getElementById("total").dataset.value = index.totalPoints;
  document.getElementById("total-max").textContent = points(index.totalMaxPoints);
  document.getElementById("total-max").dataset.value = index.totalMaxPoints;
  document.getElementById("received").textContent = index.dossiersReceived.toLocaleString("vi-VN");
  document.getElementById("received").dataset.value = index.dossiersReceived;
  document.getElementById("ruleset").textContent = `${index.ruleSet.name} (${index.ruleSet.effectiveFrom})`;

  const groups = document.querySelector("#groups tbody");
  groups.replaceChildren(...index.groups.map(g => {
    const bar = el("div", { class: "bar" }, el("span"));
    bar.firstChild.style.width = g.maxPoints > 0 ? `${Math.min(100, 100 * g.points / g.maxPoints)}%` : "0";
    return el("tr", { "data-group": g.code, "data-points": g.points, "data-max": g.maxPoints },
      bilingual(g.nameVi, g.nameEn),
      el("td", { class: "num" }, `${points(g.points)} / ${points(g.maxPoints)}`),
      el("td", {}, bar));
  }));

  const targets = document.querySelector("#targets tbody");
  targets.replaceChildren(...index.targets.map(t => el("tr", { "data-target": t.code, "data-light": t.light, "data-value": t.value ?? "" },
    el("td", {}, el("span", { class: `light ${t.light}`, title: t.light })),
    bilingual(t.nameVi, t.nameEn),
    el("td", { class: "num" }, percent(t.value)),
    el("td", { class: "num" }, "≥ " + percent(t.minimum)))));
}

function renderTrend(trend) {
  const body = document.querySelector("#trend tbody");
  body.replaceChildren(...trend.map(p => el("tr", { "data-day": p.day, "data-ratio": p.ratio ?? "" },
    el("td", {}, p.day), el("td", { class: "num" }, p.onTime), el("td", { class: "num" }, p.judged), el("td", { class: "num" }, percent(p.ratio)))));

  const svg = document.getElementById("trend-chart");
  const ns = "http://www.w3.org/2000/svg";
  const shapes = [];
  const withRatio = trend.filter(p => p.ratio !== null);
  const x = i => 40 + (withRatio.length <= 1 ? 260 : (540 * i) / (withRatio.length - 1));
  const y = r => 180 - 160 * r;
  for (const r of [0, 0.5, 1]) {
    const line = document.createElementNS(ns, "line");
    Object.entries({ x1: 40, x2: 580, y1: y(r), y2: y(r), stroke: "#d5dbe1" }).forEach(([k, v]) => line.setAttribute(k, v));
    const label = document.createElementNS(ns, "text");
    Object.entries({ x: 2, y: y(r) + 4, "font-size": 11, fill: "#6b7785" }).forEach(([k, v]) => label.setAttribute(k, v));
    label.textContent = `${r * 100}%`;
    shapes.push(line, label);
  }
  if (withRatio.length > 0) {
    const path = document.createElementNS(ns, "polyline");
    path.setAttribute("points", withRatio.map((p, i) => `${x(i)},${y(p.ratio)}`).join(" "));
    Object.entries({ fill: "none", stroke: "#2c7be5", "stroke-width": 2 }).forEach(([k, v]) => path.setAttribute(k, v));
    shapes.push(path);
    withRatio.forEach((p, i) => {
      const dot = document.createElementNS(ns, "circle");
      Object.entries({ cx: x(i), cy: y(p.ratio), r: 3, fill: "#2c7be5", "data-day": p.day }).forEach(([k, v]) => dot.setAttribute(k, v));
      shapes.push(dot);
    });
  }
  svg.replaceChildren(...shapes);
}

function renderRisk(data) {
  document.getElementById("window").textContent = data.atRiskWindowHours;
  const body = document.querySelector("#risk tbody");
  const rows = data.agencies.map(a => el("tr", { "data-agency": a.agency, "data-at-risk": a.atRisk, "data-overdue": a.overdue },
    el("td", {}, a.agency), el("td", { class: "num" }, a.atRisk), el("td", { class: "num" }, a.overdue)));
  body.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 3 }, "Không có hồ sơ sắp quá hạn · No dossier at risk"))]));
}

/** Which dossiers are counted: ?view= if given, else the one picked (local: every dossier received; portal: those the national portal holds). */
function view() {
  const picked = new URLSearchParams(location.search).get("view") || document.getElementById("view").value;
  return picked === "portal" ? "portal" : "local";
}

async function load() {
  const status = document.getElementById("status");
  const { from, to } = period();
  const counted = view();
  document.getElementById("month").value = from.slice(0, 7);
  document.getElementById("view").value = counted;
  status.textContent = "Đang tải… / Loading…";
  try {
    const query = `from=${from}&to=${to}&view=${counted}`;
    const [index, board] = await Promise.all([
      fetch(`/api/v1/kpi/index?${query}`).then(r => { if (!r.ok) throw new Error(r.status); return r.json(); }),
      fetch(`/api/v1/kpi/scoreboard?${query}`).then(r => { if (!r.ok) throw new Error(r.status); return r.json(); }),
    ]);
    renderIndex(index);
    renderTrend(board.trend);
    renderRisk(board);
    status.textContent = `Cập nhật ${new Date().toLocaleTimeString("vi-VN")} · kỳ ${from} – ${to}`;
    status.dataset.state = "loaded";
  } catch (e) {
    status.textContent = `Không tải được số liệu / Could not load the figures (${e.message})`;
    status.dataset.state = "error";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("period").addEventListener("submit", ev => {
    ev.preventDefault();
    history.replaceState(null, "", location.pathname); // the picked month and view win over ?from=&to=&view=
    load();
  });
  load();
});
