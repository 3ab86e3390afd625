// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // The phone-width menu: a button that shows and hides the navigation.
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    });
  }

  // Buttons that change something irreversible ask first; the text comes from the page.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
  // The same for one button of a form that has several.
  document.querySelectorAll("button[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
});

// The suggestion form: as a resident writes, the published suggestions and key projects most like theirs.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("similar-published");
  const title = document.getElementById("title");
  const content = document.getElementById("content");
  if (!box || !title || !content) {
    return;
  }
  let timer = null;
  const look = async () => {
    const text = `${title.value} ${content.value}`.trim();
    if (text.length < 4) {
      box.hidden = true;
      return;
    }
    const response = await fetch(`${box.dataset.source}?text=${encodeURIComponent(text)}`);
    const found = response.ok ? await response.json() : [];
    box.replaceChildren();
    if (found.length) {
      const heading = document.createElement("p");
      heading.textContent = box.dataset.heading;
      const list = document.createElement("ul");
      found.forEach((item) => {
        const link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        const row = document.createElement("li");
        row.append(link, ` · ${item.kind}`);
        list.append(row);
      });
      box.append(heading, list);
    }
    box.hidden = !found.length;
  };
  [title, content].forEach((input) =>
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(look, 600);
    }),
  );
});
