// SseSim dashboard: vanilla JS over the read-only JSON API at /_ssesim/api/. No framework, no external fetch.
"use strict";
(function () {
  const API = "/_ssesim/api/";
  const strings = window.SSESIM_STRINGS;
  let lang = localStorage.getItem("ssesim.lang") === "ko" ? "ko" : "en";
  let activeTab = "keys";
  let auditTimer = null;
  // SVG diagrams hold translated text; after a language switch they are drawn again.
  const redraw = new Map();

  const t = (k) => (strings[lang] && strings[lang][k]) || strings.en[k] || k;
  const $ = (sel, root) => (root || document).querySelector(sel);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  const i18n = (key, tag) => el(tag || "span", { "data-i18n": key, text: t(key) });
  const yesNo = (b) => el("span", { class: b ? "yes" : "no", "data-i18n": b ? "yes" : "no", text: t(b ? "yes" : "no") });
  const ctxText = (ctx) => (ctx && Object.keys(ctx).length ? JSON.stringify(ctx) : "");

  async function get(path) {
    const r = await fetch(API + path, { headers: { Accept: "application/json" } });
    if (r.status === 401) { location.href = "/_ssesim/login"; throw new Error("sign in"); }
    if (r.status === 404) return null;
    if (!r.ok) throw new Error(path + ": HTTP " + r.status);
    return r.json();
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.getAttribute("data-i18n"));
    $("#lang").textContent = t("lang.other");
    document.title = t("title");
  }

  function fields(pairs) {
    const dl = el("dl", { class: "fields" });
    for (const [key, value] of pairs) dl.append(i18n(key, "dt"), el("dd", {}, value ?? "—"));
    return dl;
  }

  function rows(tbody, items, render) {
    tbody.replaceChildren(...items.map(render));
  }

  // ---- Keys ----

  async function loadKeys() {
    const data = await get("keys");
    rows($("#keys-table tbody"), data.keys, (k) => el("tr", { class: "clickable", "data-testid": "key-row", "data-key-arn": k.arn, onclick: () => showKey(k) },
      el("td", { class: "mono" }, k.arn, k.description ? el("div", { class: "note" }, k.description) : null),
      el("td", {}, i18n("type." + k.type)), el("td", {}, k.spec), el("td", {}, k.usage), el("td", {}, k.state),
      el("td", { class: "mono" }, k.aliases.join(", ")), el("td", {}, k.dataKeysIssued), el("td", {}, k.dataKeysUnwrapped)));
  }

  async function showKey(k) {
    redraw.set("key", () => showKey(k));
    const box = $("#key-detail");
    box.replaceChildren(el("h3", { class: "mono" }, k.arn),
      fields([["col.type", i18n("type." + k.type)], ["col.spec", k.spec], ["col.usage", k.usage], ["col.state", k.state],
        ["k.description", k.description], ["k.origin", k.origin], ["k.created", k.creationDate], ["k.deletionDate", k.deletionDate || t("none")],
        ["k.rotation", yesNo(k.rotation.enabled)], ["k.nextRotation", k.rotation.nextRotationDate || "—"], ["k.onDemand", String(k.rotation.onDemandRotations)],
        ["col.aliases", k.aliases.join(", ") || t("none")], ["col.issued", String(k.dataKeysIssued)], ["col.unwrapped", String(k.dataKeysUnwrapped)]]),
      i18n("h.materials", "h4"),
      el("ol", {}, k.materials.map((m) => el("li", { class: "mono" }, m.id, " · ", m.createdAt, m.rotationType ? " · " + m.rotationType : "", m.current ? el("strong", {}, " (", i18n("current"), ")") : null))),
      i18n("h.tags", "h4"), el("div", { class: "mono" }, k.tags.map((x) => x.key + "=" + x.value).join(", ") || t("none")),
      i18n("h.grants", "h4"), el("pre", {}, k.grants.length ? JSON.stringify(k.grants, null, 2) : t("none")),
      i18n("h.policy", "h4"), el("pre", {}, prettyJson(k.policy)),
      i18n("h.hierarchy", "h4"), el("div", { id: "hierarchy" }));
    const h = await get("keys/" + encodeURIComponent(k.keyId) + "/hierarchy");
    if (h) $("#hierarchy").replaceChildren(drawHierarchy(h));
  }

  function prettyJson(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
  }

  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function box(parent, x, y, w, h, lines, fill) {
    parent.append(svg("rect", { x, y, width: w, height: h, rx: 6, fill: fill || "#eef5ff", stroke: "#0b63c5" }));
    lines.forEach((line, i) => parent.append(svg("text", { x: x + 8, y: y + 18 + i * 15, "font-size": i === 0 ? 12 : 11, fill: "#1d2330" }, line)));
  }
  function line(parent, x1, y1, x2, y2, dashed) {
    parent.append(svg("line", { x1, y1, x2, y2, stroke: "#5b6475", "stroke-width": 1.2, "stroke-dasharray": dashed ? "4 3" : "none", "marker-end": "url(#arrow)" }));
  }
  function arrowDefs(s) {
    const defs = svg("defs");
    const m = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    m.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#5b6475" }));
    defs.append(m);
    s.append(defs);
  }

  // Root key → material versions → wrapped data keys, as three columns.
  function drawHierarchy(h) {
    const deps = h.materials.flatMap((m) => m.dependents.map((d) => ({ m, d })));
    const height = Math.max(120, 30 + Math.max(h.materials.length * 70, deps.length * 44));
    const s = svg("svg", { class: "diagram", viewBox: `0 0 980 ${height}`, width: 980, height, "data-testid": "hierarchy" });
    arrowDefs(s);
    box(s, 10, 20, 200, 50, [t("root"), "AES-256"], "#fff4e5");
    const depY = new Map();
    deps.forEach((x, i) => depY.set(x.d, 20 + i * 44));
    h.materials.forEach((m, i) => {
      const y = 20 + i * 70;
      box(s, 280, y, 260, 56, [(m.current ? "★ " : "") + "v" + m.version + " " + m.id.slice(0, 16) + "…", m.createdAt, m.rotationType || "ORIGINAL"]);
      line(s, 210, 45, 280, y + 28);
      for (const d of m.dependents) {
        const dy = depY.get(d);
        box(s, 620, dy, 350, 36, [d.kind + ": " + d.name, d.wrappedKeyBytes + " B " + t("dependents")], "#f0faf2");
        line(s, 540, y + 28, 620, dy + 18, true);
      }
    });
    return s;
  }

  // ---- Buckets and objects ----

  async function loadObjects() {
    const data = await get("buckets");
    const root = $("#buckets");
    if (!data.buckets.length) { root.replaceChildren(i18n("noBuckets", "p")); return; }
    root.replaceChildren(...data.buckets.map((b) => el("div", { class: "bucket" },
      el("h3", {}, i18n("h.bucket"), ": ", el("span", { class: "mono" }, b.name), b.defaultEncryption ? " · " + b.defaultEncryption : "", b.bucketKeyEnabled ? " · bucket key" : ""),
      b.objects.length === 0 ? i18n("noObjects", "p") : el("table", { class: "grid" },
        el("thead", {}, el("tr", {}, ["col.object", "col.size", "col.sse", "col.keyArn", "col.context", "col.bucketKey", "col.wrapped", "col.material"].map((k) => el("th", {}, i18n(k))))),
        el("tbody", {}, b.objects.map((o) => el("tr", { class: "clickable", "data-testid": "object-row", "data-object": b.name + "/" + o.key, onclick: () => showObject(b.name, o.key) },
          el("td", { class: "mono" }, o.key), el("td", {}, o.size), el("td", {}, o.sseMode), el("td", { class: "mono", "data-testid": "object-key-arn" }, o.keyArn || "—"),
          el("td", { class: "mono" }, ctxText(o.encryptionContext)), el("td", {}, yesNo(o.bucketKey)), el("td", {}, o.wrappedKeyBytes + " B"),
          el("td", { class: "mono" }, o.keyMaterialId ? o.keyMaterialId.slice(0, 16) + "…" : "—"))))))));
  }

  async function showObject(bucket, key) {
    redraw.delete("object");
    const d = await get("objects/" + encodeURIComponent(bucket) + "/" + key.split("/").map(encodeURIComponent).join("/"));
    const box = $("#object-detail");
    if (!d) { box.replaceChildren(); return; }
    const o = d.object;
    box.replaceChildren(el("h3", { class: "mono" }, "s3://" + bucket + "/" + key),
      fields([["col.sse", o.sseMode], ["col.keyArn", o.keyArn || "—"], ["col.context", el("span", { class: "mono" }, ctxText(o.encryptionContext) || "—")],
        ["col.bucketKey", yesNo(o.bucketKey)], ["col.wrapped", o.wrappedKeyBytes + " B"], ["col.material", o.keyMaterialId || "—"], ["o.segments", String(d.segments)]]),
      i18n("h.envelope", "h4"),
      el("table", { class: "grid" }, el("thead", {}, el("tr", {}, ["o.part", "o.version", "o.algorithm", "o.segmentSize", "o.segments", "o.salt", "o.noncePrefix"].map((k) => el("th", {}, i18n(k))))),
        el("tbody", {}, d.envelope.map((e) => el("tr", {}, el("td", {}, e.partNumber), el("td", {}, e.version), el("td", {}, e.algorithm), el("td", {}, e.segmentSize),
          el("td", {}, e.segments), el("td", { class: "mono" }, e.saltHex), el("td", { class: "mono" }, e.noncePrefixHex))))),
      el("button", { type: "button", "data-testid": "show-flow", onclick: () => showObjectFlow(bucket, key) }, i18n("btn.flow")),
      el("div", { id: "object-flow" }));
  }

  async function showObjectFlow(bucket, key) {
    redraw.set("object", () => showObjectFlow(bucket, key));
    const flow = await get("objects/" + encodeURIComponent(bucket) + "/" + key.split("/").map(encodeURIComponent).join("/") + "/flow");
    const target = $("#object-flow");
    if (!flow) { target.replaceChildren(i18n("o.noFlow", "p")); return; }
    target.replaceChildren(i18n("h.flow", "h4"), drawSequence([flow], "p.front"), stepTable([flow]));
  }

  // ---- Volumes ----

  async function loadVolumes() {
    const data = await get("volumes");
    rows($("#volumes-table tbody"), data.volumes, (v) => el("tr", { class: "clickable", "data-testid": "volume-row", onclick: () => showVolumeFlow(v.volumeId) },
      el("td", { class: "mono" }, v.volumeId), el("td", {}, v.state),
      el("td", {}, v.attachment ? `${v.attachment.instanceId} ${v.attachment.device} (${v.attachment.state})` : "—"),
      el("td", {}, yesNo(v.encrypted)), el("td", { class: "mono" }, v.keyArn || "—"), el("td", { "data-testid": "key-in-memory" }, yesNo(v.keyInMemory))));
    rows($("#instances-table tbody"), data.instances, (i) => el("tr", {}, el("td", { class: "mono" }, i.instanceId), el("td", {}, i.state), el("td", {}, i.availabilityZone), el("td", {}, i.instanceType)));
    rows($("#snapshots-table tbody"), data.snapshots, (s) => el("tr", {}, el("td", { class: "mono" }, s.snapshotId), el("td", { class: "mono" }, s.volumeId), el("td", {}, s.state),
      el("td", {}, yesNo(s.encrypted)), el("td", { class: "mono" }, s.keyArn || "—")));
  }

  async function showVolumeFlow(volumeId) {
    redraw.set("volume", () => showVolumeFlow(volumeId));
    const data = await get("volumes/" + encodeURIComponent(volumeId) + "/flow");
    const target = $("#volume-detail");
    if (!data) { target.replaceChildren(el("h3", { class: "mono" }, volumeId), i18n("o.noFlow", "p")); return; }
    target.replaceChildren(el("h3", {}, i18n("h.volumeFlow"), ": ", el("span", { class: "mono" }, volumeId)), drawSequence(data.flows, "p.frontEc2"), stepTable(data.flows));
  }

  // ---- Sequence diagram of recorded steps ----

  const LANES = ["p.client", "FRONT", "p.kms", "p.memory", "p.store"];

  function arrowsFor(step) {
    const n = step.name;
    const ctx = step.fields && step.fields.encryptionContext ? step.fields.encryptionContext : "";
    if (/^(s3|ec2):/.test(n) && n !== "s3:committed") return [{ from: 0, to: 1, label: n.split(":")[1] + " " + t("s.request") }];
    if (n.startsWith("kms:")) {
      const op = n.slice(4);
      return [{ from: 1, to: 2, label: op + (ctx ? " " + ctx : "") },
        { from: 2, to: 1, label: (step.fields && step.fields.errorCode) || (t("s.event") + " " + (step.kmsEventId || "")), dashed: true }];
    }
    if (n === "bucket-key:cache-hit") return [{ from: 1, to: 1, label: t("s.cacheHit") }];
    if (n === "key:in-memory") return [{ from: 1, to: 3, label: t("s.inMemory") }];
    if (n === "envelope:encrypt") return [{ from: 3, to: 4, label: step.fields.segments + " " + t("s.encrypt") }];
    if (n === "envelope:decrypt") return [{ from: 4, to: 3, label: step.fields.segments + " " + t("s.decrypt") }];
    if (n === "key:zeroed") return [{ from: 3, to: 3, label: t("s.zeroed") }];
    if (n === "s3:committed") return [{ from: 1, to: 4, label: t("s.committed") }];
    if (n === "ebs:created") return [{ from: 1, to: 4, label: t("s.created") }];
    if (n.startsWith("nbd:")) return [{ from: 3, to: 4, label: n }];
    return [{ from: 1, to: 1, label: n }];
  }

  function drawSequence(flows, frontKey) {
    const items = [];
    for (const f of flows) {
      items.push({ header: f.operation + " · " + f.started });
      for (const s of f.steps) for (const a of arrowsFor(s)) items.push(a);
    }
    const laneX = (i) => 90 + i * 190;
    const height = 70 + items.length * 34;
    const s = svg("svg", { class: "diagram", viewBox: `0 0 980 ${height}`, width: 980, height, "data-testid": "sequence" });
    arrowDefs(s);
    LANES.forEach((k, i) => {
      const label = t(k === "FRONT" ? frontKey : k);
      s.append(svg("rect", { x: laneX(i) - 80, y: 8, width: 160, height: 28, rx: 4, fill: "#eef1f6", stroke: "#5b6475" }));
      s.append(svg("text", { x: laneX(i), y: 27, "text-anchor": "middle", "font-size": 12 }, label));
      s.append(svg("line", { x1: laneX(i), y1: 36, x2: laneX(i), y2: height - 6, stroke: "#d7dce5", "stroke-width": 1 }));
    });
    items.forEach((a, i) => {
      const y = 62 + i * 34;
      if (a.header) {
        s.append(svg("text", { x: 8, y: y + 4, "font-size": 12, "font-weight": 600, fill: "#0b63c5" }, a.header));
        return;
      }
      const x1 = laneX(a.from), x2 = laneX(a.to);
      if (a.from === a.to) {
        s.append(svg("path", { d: `M ${x1} ${y - 6} h 24 v 12 h -22`, fill: "none", stroke: "#5b6475", "marker-end": "url(#arrow)" }));
        s.append(svg("text", { x: x1 + 30, y: y + 4, "font-size": 11 }, a.label));
      } else {
        line(s, x1, y, x2, y, a.dashed);
        s.append(svg("text", { x: Math.min(x1, x2) + 6, y: y - 5, "font-size": 11 }, a.label));
      }
    });
    return s;
  }

  // Step details are recorded in English; in Korean they are rebuilt from the step's name and fields (ARNs, ids and
  // numbers stay as recorded), with the recorded English kept as the cell's tooltip. Unknown steps stay English.
  function stepDetail(s) {
    if (lang !== "ko") return s.detail;
    const f = s.fields || {};
    const [family, op] = [s.name.slice(0, s.name.indexOf(":")), s.name.slice(s.name.indexOf(":") + 1)];
    const quoted = (s.detail.match(/'([^']+)'/) || [])[1] || "";
    switch (s.name) {
      case "s3:committed": return "객체 메타데이터(래핑된 키, 암호화 컨텍스트, 본문 ID)를 디스크에 영구 기록";
      case "bucket-key:cache-hit":
        return `S3 프런트엔드 캐시에서 S3 버킷 키를 찾음: KMS ${s.detail.includes("GenerateDataKey") ? "GenerateDataKey" : "Decrypt"} 호출 생략`;
      case "ebs:created":
        return s.detail.startsWith("unencrypted") ? "암호화되지 않은 볼륨: 데이터 키 없음"
          : "볼륨에는 래핑된 데이터 키만 저장됨. 연결(attach) 전까지 평문 키는 존재하지 않음";
      case "nbd:export": return `NBD 익스포트 '${quoted}' 열림 (암호화되지 않은 볼륨)`;
      case "nbd:closed": return "NBD 익스포트 닫힘";
      case "key:zeroed":
        return s.detail.startsWith("NBD") ? "NBD 익스포트 닫힘. 볼륨 데이터 키를 메모리에서 0으로 덮어 지움" : "데이터 키를 메모리에서 0으로 덮어 지움";
      case "key:in-memory": {
        if (!f.sseMode) return `연결된 동안 256비트 볼륨 데이터 키를 메모리에 보관. NBD 익스포트 '${quoted}' 열림, 블록은 AES-256-GCM으로 봉인`;
        const how = f.sseMode === "SSE-S3" ? "S3 마스터 키로 SSE-S3 데이터 키를 언래핑"
          : f.sseMode === "SSE-C" ? "SSE-C 고객 키를 솔트 적용 HMAC으로 확인"
          : f.bucketKey === "true" ? "버킷 키에서 객체 키를 파생 (HKDF-SHA256, 객체별 솔트)"
          : "KMS가 돌려준 평문 데이터 키";
        return `256비트 데이터 키를 메모리에 보관 (고정, 디스크에 쓰지 않음): ${how}`;
      }
      case "envelope:encrypt":
        return `세그먼트 ${f.segments}개(각 최대 ${f.segmentSize}바이트)를 AES-256-GCM으로 봉인 (평문 ${f.plaintextBytes}바이트)`;
      case "envelope:decrypt":
        return `세그먼트 ${f.segments}개의 AES-256-GCM 태그를 검증한 뒤 복호화 (평문 ${f.plaintextBytes}바이트)`;
    }
    if (family === "s3" && f.bucket !== undefined) return `클라이언트 → S3 프런트엔드: ${op} s3://${f.bucket}/${f.key} (요청자 ${f.identity})`;
    if (family === "ec2" && f.volumeId) return `클라이언트 → EC2 프런트엔드: ${op} ${f.volumeId} (요청자 ${f.identity})`;
    if (family === "kms") {
      if (f.errorCode) return `KMS ${op} 거부됨: ${f.errorCode}`;
      return `KMS ${op} 호출${f.keyArn ? ` (KMS 키 ${f.keyArn})` : ""}${f.viaService ? `, ${f.viaService} 경유` : ""}`
        + (f.wrappedKeyBytes ? `, 래핑된 데이터 키 ${f.wrappedKeyBytes}바이트` : "");
    }
    return s.detail;
  }

  function stepTable(flows) {
    return el("table", { class: "grid", "data-testid": "flow-steps" },
      el("thead", {}, el("tr", {}, ["col.step", "col.detail", "col.offset", "col.duration", "col.eventId"].map((k) => el("th", {}, i18n(k))))),
      el("tbody", {}, flows.flatMap((f) => f.steps.map((s) => el("tr", { "data-testid": "flow-step", "data-step": s.name },
        el("td", { class: "mono" }, s.name),
        el("td", { title: lang === "ko" ? s.detail : null, "data-testid": "step-detail" }, stepDetail(s), s.fields && s.fields.encryptionContext ? el("div", { class: "mono", "data-testid": "step-context" }, s.fields.encryptionContext) : null),
        el("td", {}, s.offsetMs), el("td", {}, s.durationMs ?? ""), el("td", { class: "mono" }, s.kmsEventId || ""))))));
  }

  // ---- Audit ----

  async function loadAudit() {
    const form = $("#audit-filter");
    const q = new URLSearchParams();
    for (const name of ["key", "bucket", "volume", "identity"]) if (form[name].value) q.set(name, form[name].value.trim());
    const data = await get("audit?" + q.toString());
    rows($("#audit-table tbody"), data.events, (e) => {
      const p = e.requestParameters || {};
      const keys = (e.resources || []).map((r) => r.ARN).join(", ");
      return el("tr", { "data-testid": "audit-row" }, el("td", {}, e.eventTime), el("td", {}, e.eventName),
        el("td", { class: "mono" }, e.userIdentity && e.userIdentity.arn), el("td", {}, (e.userIdentity && e.userIdentity.invokedBy) || ""),
        el("td", { class: "mono" }, keys), el("td", { class: "mono" }, ctxText(p.encryptionContext)), el("td", {}, e.errorCode || ""), el("td", { class: "mono" }, e.eventID));
    });
  }

  function scheduleAudit() {
    clearInterval(auditTimer);
    if (activeTab === "audit" && $("#audit-filter").live.checked) auditTimer = setInterval(() => loadAudit().catch(console.error), 2000);
  }

  // ---- Tabs ----

  // ---- Fault injection (read-only) ----

  async function loadFaults() {
    const f = await get("fault-settings");
    const items = [];
    const kms = f.kms || {};
    for (const l of kms.latency || []) items.push(["fault.kmsLatency", l.operation || "*", `${l.latencyMs} ms ± ${l.jitterMs || 0} ms`]);
    for (const e of kms.errors || []) items.push(["fault.kmsErrors", e.operation || "*", `${Math.round(e.rate * 1000) / 10} % ${e.errorCode}`]);
    if (kms.outage) items.push(["fault.kmsOutage", "*", `${kms.outage.start} → ${kms.outage.end} ${kms.outage.errorCode || ""}`]);
    const q = f.quotas || {};
    items.push(["fault.quotas", q.enabled ? t("yes") : t("no"), `symmetric ${q.symmetricRps}/s, RSA ${q.rsaRps}/s, ECC ${q.eccRps}/s`]);
    if (f.volumes) items.push(["fault.volumeLatency", "*", `${f.volumes.latencyMs} ms ± ${f.volumes.jitterMs || 0} ms`]);
    rows($("#faults-table tbody"), items, ([name, scope, setting]) =>
      el("tr", { "data-testid": "fault-row" }, el("td", { "data-i18n": name }, t(name)), el("td", { class: "mono" }, scope), el("td", { class: "mono" }, setting)));
  }

  const loaders = { keys: loadKeys, objects: loadObjects, volumes: loadVolumes, audit: loadAudit, faults: loadFaults };

  function show(tab) {
    activeTab = tab;
    for (const b of document.querySelectorAll("button.tab")) b.classList.toggle("active", b.dataset.tab === tab);
    for (const p of document.querySelectorAll("section.panel")) p.classList.toggle("active", p.id === tab);
    history.replaceState(null, "", "#" + tab);
    loaders[tab]().then(applyLanguage).catch(console.error);
    scheduleAudit();
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const b of document.querySelectorAll("button.tab")) b.addEventListener("click", () => show(b.dataset.tab));
    $("#lang").addEventListener("click", () => {
      lang = lang === "en" ? "ko" : "en";
      localStorage.setItem("ssesim.lang", lang);
      applyLanguage();
      for (const again of redraw.values()) again().catch(console.error);
    });
    const form = $("#audit-filter");
    form.addEventListener("input", () => loadAudit().catch(console.error));
    form.addEventListener("change", scheduleAudit);
    form.addEventListener("submit", (e) => e.preventDefault());
    applyLanguage();
    const initial = location.hash.slice(1);
    show(loaders[initial] ? initial : "keys");
  });
})();
