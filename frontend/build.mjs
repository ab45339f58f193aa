// Bundles the front-end libraries into target/classes/static/vendor/ so the UI loads nothing from a CDN.
// Run by Maven (exec-maven-plugin, generate-resources) after `npm ci`; `npm run build` works on its own too.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.env.DICOMSTAGE_VENDOR_DIR || path.join(here, '..', 'target', 'classes', 'static', 'vendor');
const generated = path.join(here, 'generated');

// The bundles depend only on the sources, the lint rules and the installed packages: unchanged, they are not
// built again (a restart with nothing changed should not wait for esbuild).
const inputs = ['build.mjs', '.bpmnlintrc', 'package-lock.json',
  ...(await readdir(path.join(here, 'src'), { recursive: true })).map(f => path.join('src', f)).sort()];
const hash = createHash('sha256');
for (const f of inputs) {
  hash.update(f + '\0');
  try { hash.update(await readFile(path.join(here, f))); } catch { /* a directory */ }
}
const fingerprint = hash.digest('hex');
const stamp = path.join(out, '.built-from.sha256');
if ((await readFile(stamp, 'utf8').catch(() => '')).trim() === fingerprint) {
  console.log('front-end bundles in ' + out + ' are up to date');
  process.exit(0);
}

// bpmn-js-bpmnlint needs the lint rules bundled: compile .bpmnlintrc into a module esbuild can follow,
// as bpmnlint-loader does for webpack.
const compileConfig = require('bpmnlint/lib/support/compile-config');
await mkdir(generated, { recursive: true });
const lintConfig = JSON.parse(await readFile(path.join(here, '.bpmnlintrc'), 'utf8'));
await writeFile(path.join(generated, 'bpmnlint-config.js'), await compileConfig(lintConfig));

await mkdir(out, { recursive: true });
await build({
  entryPoints: {
    'form-viewer': path.join(here, 'src', 'form-viewer.js'),
    'bpmn-viewer': path.join(here, 'src', 'bpmn-viewer.js'),
    'bpmn-modeler': path.join(here, 'src', 'bpmn-modeler.js')
  },
  bundle: true,
  format: 'iife',
  minify: true,
  sourcemap: false,
  target: ['es2020'],
  outdir: out,
  // Only our own bundles and CSS are served; fonts referenced by CSS are inlined.
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.eot': 'dataurl', '.svg': 'dataurl' },
  logLevel: 'warning'
});

const css = {
  'form-js.css': '@bpmn-io/form-js/dist/assets/form-js.css',
  'diagram-js.css': 'bpmn-js/dist/assets/diagram-js.css',
  'bpmn-js.css': 'bpmn-js/dist/assets/bpmn-js.css',
  'bpmn-js-bpmnlint.css': 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css',
  'properties-panel.css': '@bpmn-io/properties-panel/dist/assets/properties-panel.css'
};
for (const [name, module] of Object.entries(css)) {
  await copyFile(require.resolve(module), path.join(out, name));
}
// bpmn-embedded.css refers to the icon font by relative URL: bundle it so the font comes along inlined.
await build({
  entryPoints: { 'bpmn-font': require.resolve('bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css') },
  bundle: true,
  minify: true,
  outdir: out,
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.eot': 'dataurl', '.svg': 'dataurl' },
  logLevel: 'warning'
});
await writeFile(stamp, fingerprint + '\n');
console.log('front-end bundles written to ' + out);
