// Checks every forms/*.form as Camunda would see it, and fails the build on any problem:
// 1. Camunda's own form linter (@camunda/form-linting, as the Desktop and Web Modeler run it): FEEL syntax
//    errors and components Camunda 8 does not support.
// 2. form-js renders each form (in jsdom) twice: with no variables, and with every variable it reads set to a
//    hostile label. Neither may show form-js's "{{⚠}}" (a FEEL expression that did not evaluate), and no value
//    inserted into a text view may become a link or markup.
// Run by Maven (exec-maven-plugin, test phase) after the bundles; `npm run check-forms` works on its own too.
import { build } from 'esbuild';
import { JSDOM } from 'jsdom';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const formsDir = process.env.DICOMSTAGE_FORMS_DIR || path.join(here, '..', 'forms');
const generated = path.join(here, 'generated');

// Both packages ship ES modules with extension-less imports, meant for a bundler: bundle them for node.
await mkdir(generated, { recursive: true });
await build({
  stdin: {
    contents: "export { FormLinter } from '@camunda/form-linting';" +
      "export { Form, getSchemaVariables } from '@bpmn-io/form-js-viewer';",
    resolveDir: here
  },
  bundle: true, platform: 'node', format: 'esm', outfile: path.join(generated, 'form-check.mjs'),
  logLevel: 'warning'
});

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
for (const key of ['window', 'document', 'navigator', 'Node', 'Element', 'HTMLElement', 'DocumentFragment',
  'MutationObserver', 'getComputedStyle', 'requestAnimationFrame', 'cancelAnimationFrame', 'DOMParser', 'Event',
  'CustomEvent', 'KeyboardEvent', 'MouseEvent', 'FocusEvent', 'InputEvent', 'SVGElement']) {
  if (!(key in globalThis) || key === 'navigator') {
    Object.defineProperty(globalThis, key, { value: dom.window[key], configurable: true, writable: true });
  }
}
const { FormLinter, Form, getSchemaVariables } = await import(path.join(generated, 'form-check.mjs'));

// Markdown a header value or a comment could carry: a link, an autolink, an e-mail autolink, inline HTML.
export const HOSTILE = '[click](http://evil.example) http://evil.example www.evil.example a@evil.example ' +
  '<a href="http://evil.example">x</a> **bold** # heading';

/** Renders the form, then hands its container to inspect before the form is destroyed. */
async function render(schema, data, inspect) {
  const container = document.createElement('div');
  document.body.append(container);
  const form = new Form({ container });
  try {
    await form.importSchema(schema, data);
    await new Promise(resolve => setTimeout(resolve, 0));
    return inspect(container);
  } finally {
    form.destroy();
    container.remove();
  }
}

function textProblems(container, label) {
  const problems = [];
  const text = container.textContent;
  if (text.includes('⚠')) problems.push(`${label}: shows {{⚠}} (a FEEL expression did not evaluate)`);
  for (const view of container.querySelectorAll('.fjs-form-field-text')) {
    for (const a of view.querySelectorAll('a')) {
      if (/evil\.example/i.test(a.getAttribute('href') || '')) problems.push(`${label}: a value became a link to ${a.getAttribute('href')}`);
    }
    for (const tag of view.querySelectorAll('strong, em, h1, h2, h3, h4, h5, h6')) {
      if (/bold|heading|evil/i.test(tag.textContent)) problems.push(`${label}: a value became markup <${tag.tagName.toLowerCase()}>${tag.textContent}`);
    }
  }
  return problems;
}

/**
 * Every variable a form reads set to the hostile label: options lists (valuesKey) and table rows (a dataSource
 * naming one variable) as lists carrying it, every other variable as the label itself.
 */
function hostileData(schema) {
  const data = Object.fromEntries(getSchemaVariables(schema, { outputs: false }).map(name => [name, HOSTILE]));
  const visit = components => components.forEach(c => {
    // A field's own value is the user's answer, not inserted text (and a checklist's must be a list).
    if (c.key) delete data[c.key];
    if (c.valuesKey) data[c.valuesKey] = [{ label: HOSTILE, value: 'hostile' }];
    // A list an expression iterates (for x in list, list[filter]): one item carrying every field it reads.
    for (const expression of [c.valuesExpression, c.text, c.expression].filter(e => typeof e === 'string')) {
      const item = Object.fromEntries([...expression.matchAll(/\.\s*([A-Za-z_]\w*)/g)].map(m => [m[1], HOSTILE]));
      for (const m of expression.matchAll(/\bin\s+([A-Za-z_]\w*)|([A-Za-z_]\w*)\[/g)) data[m[1] || m[2]] = [item];
    }
    const source = /^=\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(c.dataSource || '');
    if (source) data[source[1]] = [Object.fromEntries((c.columns || []).map(col => [col.key, HOSTILE]))];
    if (c.components) visit(c.components);
  });
  visit(schema.components || []);
  return data;
}

export async function checkForm(file, schema) {
  const problems = [];
  for (const report of new FormLinter().lint(schema)) {
    problems.push(`${file}: ${report.id}: ${report.message} (${report.category}): ${report.label ?? ''}`);
  }
  problems.push(...await render(schema, {}, c => textProblems(c, `${file} without variables`)));
  problems.push(...await render(schema, hostileData(schema), c => textProblems(c, `${file} with hostile values`)));
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const files = (await readdir(formsDir)).filter(f => f.endsWith('.form')).sort();
  const problems = [];
  for (const file of files) problems.push(...await checkForm(file, JSON.parse(await readFile(path.join(formsDir, file), 'utf8'))));
  if (problems.length) {
    console.error(`form check failed (${problems.length} problem(s) in ${formsDir}):\n  ` + problems.join('\n  '));
    process.exit(1);
  }
  console.log(`form check: ${files.length} forms lint clean and render without {{⚠}} or injected links`);
}
