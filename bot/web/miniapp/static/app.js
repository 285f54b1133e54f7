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
// The tab pressed is the one shown as current.
document.body.addEventListener("click", (event) => {
  const tab = event.target.closest("nav.tabs a");
  if (!tab) return;
  for (const other of tab.parentElement.children) other.removeAttribute("aria-current");
  tab.setAttribute("aria-current", "page");
});
