// Builds OneWindow's front end into src/onewindow/static/dist/ (git-ignored):
//   css/onewindow.css  GOV.UK Frontend + our components, from frontend/scss/onewindow.scss
//   js/onewindow.js    one ES module, from frontend/js/onewindow.mjs
//   fonts/*.woff2      Noto Sans Georgian + Noto Sans, only the subsets we use
// then prints the compressed sizes and fails if CSS + JS exceed the budget.
//
// Usage: npm run build            (one build; no network)
//        npm run build -- --watch (rebuild when frontend/ changes)

import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { watch } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import * as esbuild from "esbuild";
import * as sass from "sass";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nodeModules = path.join(root, "node_modules");
const frontend = path.join(root, "frontend");
const dist = path.join(root, "src", "onewindow", "static", "dist");

// CSS + JS of a page, gzipped. The HTML of a catalogue page gets the rest of 50 KB.
const BUDGET_BYTES = 30 * 1024;

const FONTS = [
  ["@fontsource/noto-sans-georgian", "noto-sans-georgian", ["georgian"]],
  ["@fontsource/noto-sans", "noto-sans", ["latin", "latin-ext"]],
];
const WEIGHTS = [400, 700];

async function buildCss() {
  const result = await sass.compileAsync(path.join(frontend, "scss", "onewindow.scss"), {
    loadPaths: [nodeModules],
    style: "compressed",
    quietDeps: true,
    sourceMap: false,
  });
  const out = path.join(dist, "css", "onewindow.css");
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, result.css + "\n");
  return out;
}

async function buildJs() {
  const out = path.join(dist, "js", "onewindow.js");
  await esbuild.build({
    entryPoints: [path.join(frontend, "js", "onewindow.mjs")],
    outfile: out,
    bundle: true,
    format: "esm",
    minify: true,
    target: ["es2020"],
    legalComments: "none",
    banner: { js: "/* OneWindow. Includes GOV.UK Frontend 6 (MIT, Crown copyright). */" },
    logLevel: "warning",
  });
  return out;
}

async function copyFonts() {
  const target = path.join(dist, "fonts");
  await mkdir(target, { recursive: true });
  for (const [pkg, prefix, subsets] of FONTS) {
    for (const subset of subsets) {
      for (const weight of WEIGHTS) {
        const name = `${prefix}-${subset}-${weight}-normal.woff2`;
        await copyFile(path.join(nodeModules, pkg, "files", name), path.join(target, name));
      }
    }
    // The SIL Open Font License asks for the licence to travel with the fonts.
    await copyFile(path.join(nodeModules, pkg, "LICENSE"), path.join(target, `${prefix}.LICENSE.txt`));
  }
}

async function gzippedSize(file) {
  return gzipSync(await readFile(file), { level: 9 }).length;
}

async function build() {
  const started = Date.now();
  await rm(dist, { recursive: true, force: true });
  const [css, js] = await Promise.all([buildCss(), buildJs(), copyFonts()]);
  const cssSize = await gzippedSize(css);
  const jsSize = await gzippedSize(js);
  const total = cssSize + jsSize;
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(
    `built ${path.relative(root, dist)} in ${Date.now() - started} ms — gzipped: ` +
      `css ${kb(cssSize)}, js ${kb(jsSize)}, total ${kb(total)} (budget ${kb(BUDGET_BYTES)})`,
  );
  if (total > BUDGET_BYTES) {
    throw new Error(`CSS + JS is ${kb(total)} gzipped, over the ${kb(BUDGET_BYTES)} budget.`);
  }
}

if (process.argv.includes("--watch")) {
  let timer = null;
  const rebuild = () =>
    build().catch((error) => console.error(error.formatted ?? error.message ?? error));
  await rebuild();
  watch(frontend, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(rebuild, 100);
  });
  console.log("watching frontend/ …");
} else {
  try {
    await build();
  } catch (error) {
    console.error(error.formatted ?? error.message ?? error);
    process.exitCode = 1;
  }
}
