// Progress of a linkage run on the "Possible duplicates" page: while the latest run is in
// progress, poll its status every two seconds and update the figures; reload when it ends so
// the new matches show. Without JavaScript the page offers a refresh link instead.
const card = document.querySelector("[data-linkage-run-status]");
const POLL_MS = 2000;

function update(run) {
  for (const el of card.querySelectorAll("[data-run-field]")) {
    const value = run[el.dataset.runField];
    if (value !== undefined && value !== null) el.textContent = String(value);
  }
  const bar = card.querySelector("[data-run-progress]");
  if (bar) {
    bar.max = Math.max(run.people_total, 1);
    bar.value = run.people_read;
  }
}

async function poll() {
  try {
    const response = await fetch(card.dataset.linkageRunStatus, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    const { run } = await response.json();
    if (!run) return;
    update(run);
    if (run.in_progress) {
      setTimeout(poll, POLL_MS);
    } else {
      window.location.reload();
    }
  } catch {
    setTimeout(poll, POLL_MS * 5); // a network blip: try again, more slowly
  }
}

if (card && card.querySelector("[data-run-progress]")) {
  setTimeout(poll, POLL_MS);
}
