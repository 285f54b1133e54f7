// Hands Telegram's initData to every request the page makes, and follows Telegram's theme.
// A module runs before the document's DOMContentLoaded, when htmx makes its first request
// (the shell's hx-trigger="load"), so the header is in place for it.
// Inside Telegram, telegram-web-app.js provides both; on a desk browser (huihui console-link)
// the signed data comes in the address's fragment, as Telegram itself passes it.
const tg = window.Telegram && window.Telegram.WebApp;

function initData() {
  if (tg && tg.initData) return tg.initData;
  return new URLSearchParams(location.hash.slice(1)).get("tgWebAppData") || "";
}

function applyTheme() {
  const params = (tg && tg.themeParams) || {};
  document.documentElement.dataset.scheme = (tg && tg.colorScheme) || "light";
  for (const [name, value] of Object.entries(params)) {
    document.documentElement.style.setProperty(`--tg-${name.replaceAll("_", "-")}`, value);
  }
}

const data = initData();
// Refusals (401, 403, 404) come as pages that say why: show them instead of nothing.
htmx.config.responseHandling = [
  { code: "204", swap: false },
  { code: "[23]..", swap: true },
  { code: "40[134]", swap: true, error: true },
  { code: "...", swap: false, error: true },
];
document.body.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-Telegram-Init-Data"] = data;
});
applyTheme();
if (tg) {
  tg.ready();
  tg.expand();
  tg.onEvent("themeChanged", applyTheme);
}
// A form sent after the page's initData expired (Telegram never renews it; a page left open
// over lunch): the refusal is not swapped in over the form, which would throw away what was
// typed (a long broadcast, an event's description); the form stays and the notice at the
// bottom says that nothing was done and what to do.
function expiredSend(event) {
  const xhr = event.detail.xhr;
  const verb = (event.detail.requestConfig && event.detail.requestConfig.verb) || "get";
  return Boolean(xhr) && xhr.status === 401 && verb !== "get"
    && xhr.getResponseHeader("X-Huihui-Expired") === "1";
}
document.body.addEventListener("htmx:beforeSwap", (event) => {
  if (expiredSend(event)) event.detail.shouldSwap = false;
});
// A tab is shown as current once its page has come (a tab whose request failed stays as it
// was, over the page still shown).
function answered(event) {
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  return status > 0 && status < 500 && status !== 429 && !expiredSend(event);
}
document.body.addEventListener("htmx:afterRequest", (event) => {
  const tab = event.detail.elt.closest && event.detail.elt.closest("nav.tabs a");
  if (!tab || !answered(event)) return;
  for (const other of tab.parentElement.children) other.removeAttribute("aria-current");
  tab.setAttribute("aria-current", "page");
});

// A request with no answer (no network), or an answer no page came with (a server error):
// said at the bottom of the screen until the next request goes through, instead of nothing.
function requestFailed(kind) {
  const notice = document.getElementById("request-failed");
  if (!notice) return;
  notice.textContent = notice.dataset[kind];
  notice.hidden = false;
}
document.body.addEventListener("htmx:sendError", () => requestFailed("offline"));
document.body.addEventListener("htmx:timeout", () => requestFailed("offline"));
const expiredKind = () => (tg && tg.initData ? "expired" : "expiredLink");
document.body.addEventListener("htmx:responseError", (event) => {
  if (expiredSend(event)) requestFailed(expiredKind());
  else if (!answered(event)) requestFailed("failed");
});
// A file (a sign-in sheet, a monthly report, the units file): a plain link would go without
// the initData header, so it is fetched with it and then saved; a refusal or a failure is
// said as any other request's.
document.body.addEventListener("click", async (event) => {
  const link = event.target.closest && event.target.closest("a[data-download]");
  if (!link) return;
  event.preventDefault();
  let answer;
  try {
    answer = await fetch(link.href, { headers: { "X-Telegram-Init-Data": data } });
  } catch {
    requestFailed("offline");
    return;
  }
  if (!answer.ok) {
    requestFailed(answer.headers.get("X-Huihui-Expired") === "1" ? expiredKind() : "failed");
    return;
  }
  const notice = document.getElementById("request-failed");
  if (notice) notice.hidden = true;
  const saving = document.createElement("a");
  saving.href = URL.createObjectURL(await answer.blob());
  saving.download = link.dataset.download;
  saving.click();
  URL.revokeObjectURL(saving.href);
});
// Copy a link (an event's sign-up link): the clipboard where the page may write it, else the
// text is selected for the person to copy; the button says it was copied for a moment.
document.body.addEventListener("click", async (event) => {
  const button = event.target.closest && event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    if (!document.execCommand("copy")) return; // left selected: the person copies it
  }
  // Its own label is kept once: a second press within the moment kept "已复制" for good.
  button.dataset.label ??= button.textContent;
  button.textContent = button.dataset.copied;
  clearTimeout(button.copiedFor);
  button.copiedFor = setTimeout(() => (button.textContent = button.dataset.label), 2000);
});
document.body.addEventListener("htmx:afterRequest", (event) => {
  const notice = document.getElementById("request-failed");
  if (notice && answered(event)) notice.hidden = true;
});

// The desk's broadcast composer counts what it would send (#composer-check), sends it
// (#composer) and takes a photo up on its own form (#broadcast-photo-form). Their answers
// must not cross: a count asked for before a send or a photo and answered after it would put
// the old form back (the message just sent previewed again, or a refused photo's notice over
// the photo chosen since, which took that photo's token with it). So a send or a photo stops
// the count on its way, and no count is asked for while either is on its way: the photo's
// answer asks for one itself, and a send's answer says how it went. Send waits for the photo
// (the photo form disables it meanwhile), so a photo is never left behind.
// Nor is a count asked for that typing started before a send (its 400 ms wait ended after
// the send had answered): it put "点击'发送'后立即发出" over "正在开始", as if nothing was sent.
let sentAt = -1;
document.body.addEventListener("htmx:beforeRequest", (event) => {
  const check = document.getElementById("composer-check");
  if (!check) return;
  const elt = event.detail.elt;
  const busy = (id) => document.getElementById(id)?.classList.contains("htmx-request");
  if (elt === check) {
    const typed = event.detail.requestConfig?.triggeringEvent?.timeStamp;
    const stale = typed !== undefined && typed < sentAt;
    if (stale || busy("composer") || busy("broadcast-photo-form")) event.preventDefault();
  } else if (elt.id === "composer" || elt.id === "broadcast-photo-form") {
    if (elt.id === "composer") sentAt = performance.now();
    htmx.trigger(check, "htmx:abort");
  }
});

// Back and reload. A tab's link names it in the address (#broadcasts); Back went to the
// address before but left the screen as it was, and a reload always opened the first tab
// (with what was typed in another gone). Now the address leads: Back to a tab's address
// opens that tab, a reload opens the tab it names, and inside Telegram its own back button
// shows on a page under a tab (a person, an event) and goes back.
// The address, less the signed data a desk link brings in it.
const address = () => (location.hash.startsWith("#tgWebAppData") ? "" : location.hash);
// No address (as first opened): the first tab, the one that loads by itself.
const tabFor = (hash) =>
  hash
    ? [...document.querySelectorAll("nav.tabs a")].find((a) => a.getAttribute("href") === hash)
    : document.querySelector("nav.tabs:not(.switch) a[hx-trigger*='load']");
// A link pressed sets the address itself and loads its own page (a tab, or "← back to the
// list" with her filters): only an address reached by Back or Forward is followed here.
let pressedHash = null;
document.body.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[href^='#']");
  if (link && event.isTrusted) pressedHash = link.getAttribute("href");
});
function showBackButton() {
  if (!tg || !tg.BackButton) return;
  const under = address() && !tabFor(address());
  if (under) tg.BackButton.show();
  else tg.BackButton.hide();
}
window.addEventListener("hashchange", () => {
  const tab = tabFor(address());
  if (location.hash === pressedHash) pressedHash = null;
  else if (tab) htmx.trigger(tab, "click");
  showBackButton();
});
if (tg && tg.BackButton) tg.BackButton.onClick(() => history.back());
let restored = false;
document.body.addEventListener("htmx:afterSettle", () => {
  if (restored || !document.querySelector("nav.tabs")) return;
  restored = true;
  const tab = tabFor(address());
  if (tab && tab.getAttribute("aria-current") !== "page") htmx.trigger(tab, "click");
  showBackButton();
});
