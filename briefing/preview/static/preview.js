// briefing preview: shows one letter's pages, its problems and what changed, and follows
// the server's events. Everything from the server is put in as text (textContent), never
// as HTML: a fact or a template may contain "<" and it stays a character.
"use strict";

const $ = (id) => document.getElementById(id);
const ratio = () => Math.min(window.devicePixelRatio || 1, 3);
const shown = { name: null, key: null, loading: false, again: false };  // key: "name:version" on screen
// For tests and measurements: when each new version of the pages was on screen (ms since 1970),
// and when the event that asked for it came and its data was fetched.
window.briefingPreview = { updates: [], heard: null };

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  return node;
}

function wanted() {
  return new URLSearchParams(window.location.search).get("brief");
}

function showState(state) {
  const nav = $("brieven");
  const current = shown.name;
  nav.replaceChildren(...state.letters.map((name) => {
    const link = el("a", name, { href: "?brief=" + encodeURIComponent(name) });
    if (name === current) link.setAttribute("aria-current", "page");
    if (state.faulty.includes(name)) {
      link.classList.add("fout");
      link.title = "heeft problemen";
    }
    link.addEventListener("click", (event) => {
      event.preventDefault();
      history.pushState(null, "", link.getAttribute("href"));
      choose(name);
    });
    return link;
  }));
  $("status").textContent = state.busy.length ? "bouwen: " + state.busy.join(", ") + "…" : statusText();
}

function statusText() {
  return shown.built ? "bijgewerkt om " + new Date(shown.built * 1000).toLocaleTimeString("nl-NL") : "klaar";
}

async function choose(name) {
  shown.name = name;
  shown.key = null;
  $("paginas").replaceChildren();
  document.title = name + " · briefing preview";
  for (const link of $("brieven").children) {
    if (link.textContent === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  await refresh();
}

// Fetch the shown letter and put it on screen; a change that arrives meanwhile fetches again.
async function refresh() {
  if (shown.loading) { shown.again = true; return; }
  shown.loading = true;
  try {
    do {
      shown.again = false;
      const name = shown.name, heard = window.briefingPreview.heard;
      const response = await fetch("/api/brief/" + encodeURIComponent(name), { cache: "no-store" });
      if (!response.ok) return;
      const view = await response.json();
      const fetched = Date.now();
      if (name === shown.name && view.name + ":" + view.version !== shown.key) await showLetter(view, heard, fetched);
    } while (shown.again);
  } finally {
    shown.loading = false;
  }
}

async function showLetter(view, heard, fetched) {
  showProblems(view.problems);
  showChanges(view.changes, view.built);
  showDownloads(view);
  await showPages(view.pages);
  shown.key = view.name + ":" + view.version;
  shown.built = view.built;
  document.body.dataset.version = String(view.version);
  document.body.dataset.pages = String(view.pages.length);
  window.briefingPreview.updates.push({ version: view.version, at: Date.now(), heard, fetched, first: view.pages.length ? view.pages[0].url : null });
  $("status").textContent = statusText();
}

// New images are loaded and decoded first, then swapped in place: no flash, the scroll
// position stays where it was (each image keeps its width and height). Over each page,
// the places of the words the last build added or changed are highlighted.
async function showPages(pages) {
  const box = $("paginas");
  const r = ratio();
  const load = async (url, width, height, old) => {
    if (old && old.getAttribute("src") === url) return old;  // this image is already shown
    const img = new Image(width, height);
    img.src = url;
    try { await img.decode(); } catch (e) { /* a page replaced meanwhile: the next event brings it */ }
    return img;
  };
  // Each page in grey, and the part of it that has colour (the emblem) laid over it.
  const images = await Promise.all(pages.map((page, i) => {
    const sheet = box.children[i];
    return Promise.all([
      load(page.url + "&r=" + r, page.width, page.height, sheet && sheet.querySelector("img.blad")),
      page.colour ? load(page.colour.url + "&r=" + r, page.colour.box[2], page.colour.box[3],
                         sheet && sheet.querySelector("img.kleur")) : null,
    ]);
  }));
  pages.forEach((page, i) => {
    let sheet = box.children[i];
    if (!sheet) { sheet = el("div", null, { class: "pagina" }); box.append(sheet); }
    const [img, colour] = images[i];
    img.alt = "pagina " + (i + 1) + " van " + pages.length;
    img.className = "blad";
    const layers = [img];
    if (colour) {
      colour.alt = "";
      colour.className = "kleur";
      place(colour, page.colour.box, page);
      layers.push(colour);
    }
    const marks = page.marks.map((box) =>
      place(el("span", null, { class: "markering", title: "gewijzigd sinds de vorige build" }), box, page));
    sheet.replaceChildren(...layers, ...marks);
  });
  while (box.children.length > pages.length) box.lastElementChild.remove();
  $("leeg").hidden = pages.length > 0;
}

// Positions in percent of the page, so they follow the image when it is scaled down.
function place(node, [left, top, width, height], page) {
  Object.assign(node.style, {
    left: (100 * left / page.width) + "%", top: (100 * top / page.height) + "%",
    width: (100 * width / page.width) + "%", height: (100 * height / page.height) + "%",
  });
  return node;
}

function showProblems(problems) {
  const list = $("probleemlijst");
  list.replaceChildren(...problems.map((problem) => {
    const item = el("li");
    const place = problem.link
      ? el("a", problem.location, { href: problem.link, class: "plaats", title: "openen in de editor" })
      : el("span", problem.location, { class: "plaats" });
    if (problem.location) item.append(place, ": ");
    item.append(el("span", problem.message, { class: "melding" }));
    if (problem.hint) item.append(" ", el("span", "(" + problem.hint + ")", { class: "hint" }));
    return item;
  }));
  $("problemen").hidden = problems.length === 0;
}

function showChanges(changes, built) {
  const uitleg = $("wijziging-uitleg");
  const facts = changes ? changes.facts : [];
  const sections = changes ? changes.sections : [];
  $("feitenlijst").replaceChildren(...facts.map((fact) => {
    const item = el("li", null, { class: "nieuw" });
    item.append(el("span", fact.path, { class: "pad" }), ": ", el("del", fact.old), " → ", el("ins", fact.new));
    return item;
  }));
  $("secties").replaceChildren(...sections.flatMap((section) => {
    const list = el("ul");
    for (const sentence of section.sentences) {
      const item = el("li", null, { class: "nieuw" });
      for (const [op, text] of sentence.pieces) {
        item.append(op === "=" ? document.createTextNode(text) : el(op === "-" ? "del" : "ins", text));
      }
      if (sentence.place) {  // a click shows where it is on the pages
        item.classList.add("vindbaar");
        item.title = "tonen op pagina " + (sentence.place[0] + 1);
        item.addEventListener("click", () => showPlace(sentence.place));
      }
      list.append(item);
    }
    return [el("h4", section.title), list];
  }));
  $("feiten").hidden = facts.length === 0;
  $("tekst").hidden = sections.length === 0;
  if (!built) uitleg.textContent = "Nog geen build sinds de preview begon.";
  else if (!changes) uitleg.textContent = "De eerste build van deze brief: niets om mee te vergelijken.";
  else if (!facts.length && !sections.length) uitleg.textContent = "Tekst en feiten ongewijzigd sinds de vorige build.";
  else uitleg.textContent = "Build van " + new Date(built * 1000).toLocaleTimeString("nl-NL") + ", vergeleken met de build daarvoor:";
}

function showPlace([page, top]) {
  const sheet = $("paginas").children[page];
  if (!sheet) return;
  const img = sheet.querySelector("img");
  const y = sheet.getBoundingClientRect().top + window.scrollY + top * img.clientHeight / img.height;
  window.scrollTo({ top: Math.max(0, y - window.innerHeight / 3), behavior: "smooth" });
}

function showDownloads(view) {
  $("downloads").replaceChildren(
    el("a", "PDF", { href: view.downloads.pdf, download: view.name + ".pdf" }),
    el("a", "DOCX", { href: view.downloads.docx, download: view.name + ".docx" }),
  );
}

async function start() {
  const state = await (await fetch("/api/state", { cache: "no-store" })).json();
  const name = state.letters.includes(wanted()) ? wanted() : state.first;
  shown.name = name;
  showState(state);
  if (name) await choose(name);
  const events = new EventSource("/events");
  events.onmessage = (message) => {
    window.briefingPreview.heard = Date.now();
    const next = JSON.parse(message.data);
    showState(next);
    if ((shown.name === null || !next.letters.includes(shown.name)) && next.first) choose(next.first);
    // The shown letter's new pages come as soon as they are drawn, while the round goes on.
    else if (shown.name !== null && (next.busy.length === 0 || (next.versions &&
             shown.name + ":" + next.versions[shown.name] !== shown.key))) refresh();
  };
  events.onerror = () => { $("status").textContent = "geen verbinding met briefing preview"; };
  window.addEventListener("popstate", () => { if (wanted()) choose(wanted()); });
}

start();
