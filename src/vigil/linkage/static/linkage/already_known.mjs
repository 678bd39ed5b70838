// "Already known?" (issue 11): while someone adds a person, show who that person may already
// be, as they type. Enhances any <form data-already-known="/api/linkage/already-known/"> with
// fields named given_names, family_name, date_of_birth (or the GOV.UK date input's
// date_of_birth_0/_1/_2 boxes: day, month, year) and, if present, postcode.
// The list is advice: the form still submits as before.

const DEBOUNCE_MS = 250;
const DEFAULT_ENDPOINT = "/api/linkage/already-known/";

function value(form, name) {
  const field = form.elements.namedItem(name);
  return field && "value" in field ? field.value.trim() : "";
}

function dateOfBirth(form) {
  const iso = value(form, "date_of_birth");
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const [d, m, y] = ["0", "1", "2"].map((i) => value(form, `date_of_birth_${i}`));
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return "";
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(m) - 1) return "";
  return date.toISOString().slice(0, 10);
}

function query(form) {
  const params = new URLSearchParams();
  const fields = {
    given_names: value(form, "given_names"),
    family_name: value(form, "family_name"),
    date_of_birth: dateOfBirth(form),
    postcode: value(form, "postcode"),
  };
  for (const [name, text] of Object.entries(fields)) if (text) params.set(name, text);
  // Two things typed before asking: one name alone matches too many people to help.
  const enough = [fields.given_names, fields.family_name, fields.date_of_birth, fields.postcode]
    .filter((text) => text.length >= 2).length >= 2;
  return enough ? params : null;
}

const KIND_WORDS = { agree: "agrees", similar: "similar", differ: "differs" };
const COMPARISONS = {
  given_name: "given name",
  family_name: "family name",
  date_of_birth: "date of birth",
  location: "address",
  address: "address",
  postcode: "postcode",
  phone: "phone",
};

function describe(suggestion) {
  const parts = suggestion.evidence
    .filter((field) => field.kind in KIND_WORDS)
    .map((field) => `${COMPARISONS[field.comparison] ?? field.comparison} ${KIND_WORDS[field.kind]}`);
  const percent = Math.min(99.9, suggestion.match_probability * 100).toFixed(1);
  return `${percent}% likely the same person: ${parts.join(", ")}`;
}

function formatDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-GB", {
    day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
  });
}

function render(panel, suggestions) {
  panel.replaceChildren();
  if (!suggestions.length) {
    panel.hidden = true;
    return;
  }
  const heading = document.createElement("h2");
  heading.className = "govuk-heading-s";
  heading.textContent = "Already known?";
  const intro = document.createElement("p");
  intro.className = "govuk-body";
  intro.textContent = "These people may be the person you are adding. Check them before adding a new record.";
  const list = document.createElement("ul");
  list.className = "govuk-list";
  for (const suggestion of suggestions) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.className = "govuk-link";
    link.href = suggestion.url;
    link.textContent = suggestion.name;
    const details = document.createElement("span");
    details.className = "govuk-body-s vigil-muted";
    const born = suggestion.date_of_birth ? `, born ${formatDate(suggestion.date_of_birth)}` : "";
    details.textContent = ` ${suggestion.reference}${born}. ${describe(suggestion)}`;
    item.append(link, details);
    list.append(item);
  }
  panel.append(heading, intro, list);
  panel.hidden = false;
}

function enhance(form) {
  const endpoint = form.dataset.alreadyKnown || DEFAULT_ENDPOINT;
  const panel = document.createElement("div");
  panel.className = "govuk-inset-text vigil-already-known";
  panel.setAttribute("aria-live", "polite");
  panel.dataset.alreadyKnownResults = "";
  panel.hidden = true;
  const anchor = form.querySelector("[type=submit]");
  (anchor ?? form.lastElementChild)?.before(panel);

  let timer = null;
  let inFlight = null;
  let lastAsked = "";

  async function ask() {
    const params = query(form);
    if (!params) {
      render(panel, []);
      lastAsked = "";
      return;
    }
    const url = `${endpoint}?${params}`;
    if (url === lastAsked) return;
    lastAsked = url;
    inFlight?.abort();
    inFlight = new AbortController();
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: inFlight.signal,
      });
      if (!response.ok) return; // advice only: a failed lookup never blocks the form
      const { suggestions } = await response.json();
      render(panel, suggestions ?? []);
    } catch (error) {
      if (error.name !== "AbortError") render(panel, []);
    }
  }

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, DEBOUNCE_MS);
  });
  ask();
}

for (const form of document.querySelectorAll("form[data-already-known]")) enhance(form);
