// Builds Vigil's static files from npm packages (pinned in package.json / package-lock.json):
// compiles the GOV.UK + MoJ stylesheet with our settings and copies the packages' own
// JavaScript, fonts and images. Output: build/static/ (git-ignored), served by whitenoise.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "static");
const nm = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vigil"), { recursive: true });

const css = sass.compile(join(root, "src/vigil/web/assets/application.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  loadPaths: [root, join(root, "src/vigil/web/assets")],
  quietDeps: true,
  silenceDeprecations: ["import"],
  logger: sass.Logger.silent,
});
writeFileSync(join(out, "vigil", "application.css"), css.css);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "vendor/govuk/govuk-frontend.min.js"],
  ["govuk-frontend/dist/govuk/assets", "vendor/assets"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "vendor/moj/moj-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/assets", "vendor/assets"],
  ["cytoscape/dist/cytoscape.min.js", "vendor/cytoscape/cytoscape.min.js"],
];
for (const [from, to] of copies) {
  cpSync(join(nm, from), join(out, to), { recursive: true });
}
console.log(`assets built into ${out} (${css.css.length} bytes of CSS)`);
