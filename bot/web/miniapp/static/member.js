// The member's pages: "write in the chat", once the button is in the chat, closes the window
// to show it; photos come with the initData. (A download, my data, is app.js's.)
const tg = window.Telegram && window.Telegram.WebApp;

// Read once, as app.js does: on a desk browser it is in the address's fragment, which the
// first tab pressed (#likes, #events…) replaces.
const data =
  (tg && tg.initData) || new URLSearchParams(location.hash.slice(1)).get("tgWebAppData") || "";
function initData() {
  return data;
}

document.body.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.successful && event.detail.elt.closest("[data-close]") && tg) tg.close();
});
// Photos come with the initData like every request: an <img> cannot send it, so each is
// fetched and shown from memory once a page is swapped in.
async function showPhotos(root) {
  for (const img of root.querySelectorAll("img[data-photo]:not([src])")) {
    const answer = await fetch(img.dataset.photo, {
      headers: { "X-Telegram-Init-Data": initData() },
    });
    if (answer.ok) img.src = URL.createObjectURL(await answer.blob());
    else if (img.dataset.missing) {
      // One of my own photos Telegram cannot give now: say so, keep its buttons.
      const note = document.createElement("span");
      note.className = "missing hint";
      note.textContent = img.dataset.missing;
      img.replaceWith(note);
    } else img.remove();
  }
}
document.body.addEventListener("htmx:afterSettle", (event) => showPhotos(event.target));
