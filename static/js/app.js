// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // A running job's page follows its progress from the job's JSON, and shows the finished page once it is done
  // (a meta refresh would reload the whole page under a screen reader every few seconds).
  const job = document.querySelector("#job-progress[data-poll]");
  if (job) {
    const bar = job.querySelector("progress");
    const figures = job.querySelector(".figures");
    const follow = async () => {
      const response = await fetch(job.dataset.poll, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const shown = await response.json();
      if (shown.state === "done" || shown.state === "failed") {
        window.location.reload();
        return;
      }
      // No total yet (rows still being counted): the bar stays busy, without a value, and the count is shown.
      if (shown.total) bar.value = shown.percent;
      else bar.removeAttribute("value");
      const done = shown.total ? `(${shown.done}/${shown.total})` : shown.done ? `(${shown.done})` : "";
      figures.textContent = `${shown.percent}% ${done} ${shown.message || ""}`;
      window.setTimeout(follow, Number(job.dataset.every) * 1000);
    };
    window.setTimeout(follow, Number(job.dataset.every) * 1000);
  }

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

// A draft plan's projects: dragged to a place in their part, which the row's own "move to" form then sends (the
// number and the arrows do the same from the keyboard, and without this file).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("tbody.sortable").forEach((body) => {
    let dragged = null;
    const rows = () => Array.from(body.querySelectorAll("tr[draggable]"));
    body.addEventListener("dragstart", (event) => {
      dragged = event.target.closest("tr[draggable]");
      if (!dragged) return;
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.id);
    });
    body.addEventListener("dragover", (event) => {
      const over = event.target.closest("tr[draggable]");
      if (!dragged || !over || over === dragged) return;
      event.preventDefault();
      const after = rows().indexOf(over) > rows().indexOf(dragged);
      over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
    });
    body.addEventListener("dragend", () => {
      if (!dragged) return;
      const form = dragged.querySelector("form.move-to");
      const place = rows().indexOf(dragged) + 1;
      dragged.classList.remove("dragging");
      if (form && String(place) !== form.elements.to_position.defaultValue) {
        form.elements.to_position.value = place;
        form.submit();
      }
      dragged = null;
    });
  });
});
