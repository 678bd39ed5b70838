// Vigil's only script entry point (no inline scripts: the Content-Security-Policy forbids them).
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
