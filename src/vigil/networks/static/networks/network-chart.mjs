// The network chart on a person's Network page (issue 10), drawn with Cytoscape.js.
// The data comes from the network API (the URL is in the chart's data-api attribute: the
// Content-Security-Policy forbids inline script). The tables under the chart list the same
// network for anyone who cannot use it.

const COLOURS = {
  suspect: "#ca3535",
  child: "#f47738",
  person: "#1d70b8",
  object: "#505a5f",
  location: "#00703c",
  path: "#ffdd00",
  ink: "#0b0c0c",
};

const STYLE = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "font-family": "arial, sans-serif",
      "font-size": 11,
      "text-valign": "bottom",
      "text-margin-y": 4,
      "text-wrap": "ellipsis",
      "text-max-width": 120,
      color: COLOURS.ink,
      "background-color": COLOURS.person,
      width: 26,
      height: 26,
      "border-width": 2,
      "border-color": "#ffffff",
    },
  },
  { selector: "node.kind-person", style: { shape: "ellipse" } },
  { selector: "node.kind-phone", style: { shape: "round-rectangle", "background-color": COLOURS.object, width: 18, height: 24 } },
  { selector: "node.kind-vehicle", style: { shape: "round-rectangle", "background-color": COLOURS.object, width: 30, height: 18 } },
  { selector: "node.kind-account", style: { shape: "hexagon", "background-color": COLOURS.object, width: 22, height: 22 } },
  { selector: "node.kind-location", style: { shape: "round-triangle", "background-color": COLOURS.location, width: 26, height: 24 } },
  { selector: "node.role-suspect", style: { "background-color": COLOURS.suspect, shape: "diamond", width: 32, height: 32 } },
  { selector: "node.role-victim, node.role-at_risk", style: { "background-color": COLOURS.child, width: 30, height: 30 } },
  { selector: "node.centre", style: { "border-width": 4, "border-color": COLOURS.ink, "font-weight": "bold" } },
  { selector: "node:selected", style: { "border-width": 5, "border-color": COLOURS.path } },
  { selector: "node.on-path", style: { "border-width": 5, "border-color": COLOURS.path, "underlay-color": COLOURS.path, "underlay-opacity": 0.6, "underlay-padding": 6 } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "line-color": "#b1b4b6",
      "curve-style": "bezier",
      label: "",
      "font-size": 9,
      color: "#505a5f",
      "text-rotation": "autorotate",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.8,
    },
  },
  // People linked to people: relationships and being seen or found together.
  { selector: "edge.between-people", style: { width: 2.5, "line-color": "#6f777b" } },
  { selector: "edge.kind-partner_of, edge.kind-associate_of, edge.kind-found_with", style: { width: 3.5, "line-color": "#383f43" } },
  { selector: "edge.kind-parent_of, edge.kind-sibling_of, edge.kind-carer_of, edge.kind-relative_of, edge.kind-step_parent_of", style: { "line-color": "#85994b" } },
  { selector: "edge.intelligence", style: { "line-style": "dashed" } },
  { selector: "edge:selected, edge.on-path", style: { "line-color": COLOURS.ink, width: 4, label: "data(label)" } },
];

function elements(data, centre) {
  const nodes = data.nodes.map((node) => ({
    group: "nodes",
    data: node,
    classes: [`kind-${node.kind}`, `role-${node.role}`, node.id === centre ? "centre" : ""].join(" ").trim(),
  }));
  const kinds = new Map(data.nodes.map((node) => [node.id, node.kind]));
  const edges = data.links.map((link) => ({
    group: "edges",
    data: link,
    classes: [
      `kind-${link.kind}`,
      link.grading === "recorded fact" ? "fact" : "intelligence",
      kinds.get(link.source) === "person" && kinds.get(link.target) === "person" ? "between-people" : "",
    ].join(" ").trim(),
  }));
  return [...nodes, ...edges];
}

async function getJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) {
    throw new Error(`The network could not be loaded (${response.status})`);
  }
  return response.json();
}

function withFilters(url, filters) {
  if (!filters) return url;
  return url + (url.includes("?") ? "&" : "?") + filters;
}

function layout(cy, centre) {
  // Rings by distance from the centre: stable, and shows at a glance who is one link away.
  const maxHops = Math.max(1, ...cy.nodes().map((n) => n.data("hops") ?? 0));
  cy.layout({
    name: "concentric",
    concentric: (node) => (node.id() === centre ? maxHops + 1 : maxHops - (node.data("hops") ?? maxHops)),
    levelWidth: () => 1,
    minNodeSpacing: 36,
    animate: false,
    fit: true,
    padding: 30,
  }).run();
}

function highlightPath(cy, ids) {
  cy.elements().removeClass("on-path");
  for (let i = 0; i < ids.length; i += 1) {
    cy.getElementById(ids[i]).addClass("on-path");
    if (i > 0) {
      cy.edges().filter((edge) =>
        (edge.source().id() === ids[i - 1] && edge.target().id() === ids[i]) ||
        (edge.source().id() === ids[i] && edge.target().id() === ids[i - 1])
      ).addClass("on-path");
    }
  }
}

function describe(node) {
  const kinds = { person: "Person", phone: "Phone", vehicle: "Vehicle", account: "Online account", location: "Location" };
  const roles = { suspect: "suspect", victim: "known victim", at_risk: "child at risk" };
  const role = roles[node.data("role")];
  const hops = node.data("hops");
  const where = hops === 0 ? "the centre of this network" : `${hops} ${hops === 1 ? "link" : "links"} away`;
  return `${kinds[node.data("kind")]}${role ? `, ${role}` : ""}; ${where}; ${node.degree()} links shown.`;
}

async function start(container) {
  const centre = container.dataset.centre;
  const filters = container.dataset.filters;
  const panel = document.getElementById("network-node-panel");
  const title = document.getElementById("network-node-title");
  const what = document.getElementById("network-node-what");
  const open = document.getElementById("network-node-open");
  const expand = document.getElementById("network-node-expand");
  const pathLink = document.getElementById("network-node-path");
  const status = document.getElementById("network-node-status");

  let data;
  try {
    data = await getJson(container.dataset.api);
  } catch (error) {
    container.querySelector(".vigil-network-chart__fallback").textContent = `${error.message}. The tables below list the same network.`;
    return;
  }
  container.replaceChildren();
  const cy = window.cytoscape({
    container,
    elements: elements(data, centre),
    style: STYLE,
    minZoom: 0.2,
    maxZoom: 3,
    boxSelectionEnabled: false,
  });
  layout(cy, centre);
  const path = (container.dataset.path || "").split(" ").filter(Boolean);
  if (path.length) highlightPath(cy, path);

  // Selecting a node (click, or tap on a touch screen) shows its details.
  let selected = null;
  cy.on("select", "node", (event) => {
    selected = event.target;
    title.textContent = selected.data("label");
    what.textContent = describe(selected);
    open.href = selected.data("url");
    status.textContent = "";
    const isOtherPerson = selected.data("kind") === "person" && selected.id() !== centre;
    pathLink.hidden = !isOtherPerson;
    if (isOtherPerson) {
      const query = new URLSearchParams(filters);
      query.set("path_to", selected.id().split(":")[1]);
      pathLink.href = `?${query.toString()}#path-heading`;
    }
    panel.hidden = false;
  });
  cy.on("unselect", "node", () => {
    if (cy.nodes(":selected").empty()) {
      selected = null;
      panel.hidden = true;
    }
  });
  cy.on("dbltap", "node", (event) => {
    window.location.assign(event.target.data("url"));
  });
  const added = document.getElementById("network-added");

  function selectNode(node) {
    cy.nodes(":selected").unselect();
    node.select();
    cy.center(node);
  }

  function actionButton(label, hidden, action, id) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-1 govuk-!-font-size-16";
    button.dataset.networkAction = action;
    button.dataset.node = id;
    button.append(label);
    const more = document.createElement("span");
    more.className = "govuk-visually-hidden";
    more.textContent = hidden;
    button.append(more);
    return button;
  }

  // The records an expansion added, listed with the same actions as the tables, so a keyboard
  // or screen-reader user can reach everything the chart shows.
  function listAdded(nodes) {
    added.replaceChildren();
    for (const node of nodes) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.className = "govuk-link";
      link.href = node.url;
      link.textContent = node.label;
      item.append(link, " ", actionButton("Select", ` ${node.label} on the chart`, "select", node.id));
      added.append(item);
    }
  }

  async function expandNode(node) {
    status.textContent = "Loading…";
    try {
      const more = await getJson(withFilters(node.data("expand") + "?hops=1", filters));
      const known = new Set(cy.elements().map((element) => element.id()));
      const base = node.data("hops") ?? 0;
      for (const item of more.nodes) item.hops = base + item.hops;
      const fresh = elements(more, centre).filter((element) => !known.has(element.data.id));
      cy.add(fresh);
      layout(cy, centre);
      const nodes = fresh.filter((element) => element.group === "nodes").map((element) => element.data);
      status.textContent = nodes.length
        ? `${nodes.length} more ${nodes.length === 1 ? "record" : "records"} shown.`
        : "Nothing more to show.";
      listAdded(nodes);
    } catch (error) {
      status.textContent = error.message;
    }
  }

  expand.addEventListener("click", () => {
    if (selected) expandNode(selected);
  });

  // The tables' and the added list's actions: the same as selecting a node and pressing its
  // panel's buttons, for people who cannot use a pointer on the chart.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-network-action]");
    if (!button) return;
    const node = cy.getElementById(button.dataset.node);
    if (node.empty()) {
      panel.hidden = false;
      status.textContent = "That record is not on the chart with these filters.";
      return;
    }
    selectNode(node);
    if (button.dataset.networkAction === "expand") {
      expandNode(node);
    } else {
      title.focus();
    }
  });
  for (const actions of document.querySelectorAll(".vigil-network-actions")) {
    actions.hidden = false;
  }
  container.dataset.ready = "true";
  // For people checking the chart from the browser console (and the browser tests).
  window.vigilNetworkChart = cy;
}

const container = document.getElementById("network-chart");
if (container && window.cytoscape) {
  start(container);
}
