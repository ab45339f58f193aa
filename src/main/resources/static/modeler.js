'use strict';
(async () => {
  const { api, el, showError } = DicomStage;
  await DicomStage.start('modeler.html');
  const status = document.getElementById('status');
  const select = document.getElementById('version');
  const problems = document.getElementById('problems');
  const problemList = document.getElementById('problem-list');
  const dialog = document.getElementById('deploy-dialog');
  const modeler = DicomStageBpmnModeler.createModeler(document.getElementById('canvas'), '#properties');
  const registry = modeler.get('elementRegistry');

  async function xmlOf(definitionKey) {
    const response = await fetch('/api/admin/process/' + encodeURIComponent(definitionKey) + '/xml', { credentials: 'same-origin' });
    if (!response.ok) throw new Error('Cannot load version: ' + response.status);
    return response.text();
  }

  async function versions(selectKey) {
    const list = await api('/api/admin/process');
    select.replaceChildren(...list.map(v => el('option', { value: v.key, selected: v.key === selectKey }, `v${v.version} (${v.resourceName})`)));
    return list;
  }

  async function open() {
    await modeler.importXML(await xmlOf(select.value));
    modeler.get('canvas').zoom('fit-viewport');
    problems.hidden = true;
  }

  /** "Stage series (StageSeries)", as the server names elements too. */
  function label(id, name) {
    if (!id) return null;
    const known = name ?? registry.get(id)?.businessObject?.name;
    return known ? `${known} (${id})` : id;
  }

  /** Selects the element in the diagram, so the properties panel shows what to fix. */
  function reveal(id) {
    const element = registry.get(id);
    if (!element) return;
    modeler.get('selection').select(element);
    modeler.get('canvas').scrollToElement(element);
  }

  /** bpmnlint's results (recommended and Camunda 8.8 rules), as the lint overlay shows them. */
  async function lintIssues() {
    const linting = modeler.get('linting');
    linting.toggle(true);
    // lint() answers per rule: { rule: [{ id (element), message, category }] }.
    return Object.entries(await linting.lint()).flatMap(([rule, reports]) => reports.map(r => ({
      id: r.id, name: null, message: r.message, error: r.category === 'error', source: rule })));
  }

  /** The lint and the server's checks together; the server also says what a deployment would change. */
  async function validate() {
    const lint = await lintIssues();
    const { xml } = await modeler.saveXML({ format: true });
    const review = await api('/api/admin/process/check', { method: 'POST', body: xml, headers: { 'Content-Type': 'application/xml' } });
    const server = [...review.errors.map(f => ({ ...f, error: true })), ...review.warnings.map(f => ({ ...f, error: false }))]
      .map(f => ({ id: f.elementId, name: f.elementName, message: f.message, error: f.error, source: 'DICOM Stage check' }));
    const all = [...lint, ...server].sort((a, b) => b.error - a.error);
    const errors = all.filter(i => i.error).length;
    status.replaceChildren(el('p', { id: 'validation', class: errors ? 'error' : '' },
      `Validation: ${errors} error(s), ${all.length - errors} warning(s).`));
    problemList.replaceChildren(...all.map(i => el('li', { class: i.error ? 'error' : 'warning-item' },
      el('strong', {}, i.error ? 'Error' : 'Warning'), ': ',
      i.id ? el('button', { type: 'button', class: 'link', onclick: () => reveal(i.id) }, label(i.id, i.name)) : null,
      i.id ? ' – ' : '', i.message, el('span', { class: 'muted' }, ` (${i.source})`))));
    problems.hidden = all.length === 0;
    return { xml, review, errors };
  }

  function elementItem(change) {
    return el('li', {}, el('strong', {}, change.name ? `${change.name} (${change.id})` : change.id),
      el('span', { class: 'muted' }, ` – ${change.type}`),
      change.details.length ? el('ul', { class: 'details' }, change.details.map(d => el('li', {}, d))) : null);
  }

  function changeList(heading, id, changes) {
    return changes.length ? [el('h3', {}, `${heading} (${changes.length})`), el('ul', { id }, changes.map(elementItem))] : [];
  }

  /** What deploying changes against the newest deployed version; the admin deploys from here or goes back. */
  function confirmDeploy(xml, review) {
    const { changes, against } = review;
    document.getElementById('deploy-against').textContent = against
      ? `Changes against version ${against.version}, the newest deployed:`
      : 'Nothing is deployed yet: every element is new.';
    const none = !changes.added.length && !changes.removed.length && !changes.changed.length;
    // replaceChildren would write a null out as the text "null".
    document.getElementById('deploy-changes').replaceChildren(...[
      ...changeList('Changed', 'changes-changed', changes.changed),
      ...changeList('Added', 'changes-added', changes.added),
      ...changeList('Removed', 'changes-removed', changes.removed),
      none ? el('p', { id: 'no-changes' }, changes.layoutChanged
        ? 'No element changes; only the layout moved.' : 'No changes: this is the deployed model.') : null,
      !none && changes.layoutChanged ? el('p', { class: 'muted' }, 'The layout changed too.') : null].filter(Boolean));
    document.getElementById('deploy-warnings').replaceChildren(...(review.warnings.length ? [el('h3', {}, 'Warnings'),
      el('ul', {}, review.warnings.map(w => el('li', {}, (w.elementId ? label(w.elementId, w.elementName) + ': ' : '') + w.message)))] : []));
    document.getElementById('deploy-result').replaceChildren();
    const confirm = document.getElementById('deploy-confirm');
    confirm.disabled = false;
    confirm.onclick = async () => {
      confirm.disabled = true;
      try {
        const query = against ? '?against=' + encodeURIComponent(against.key) : '';
        const deployed = await api('/api/admin/process' + query, { method: 'POST', body: xml, headers: { 'Content-Type': 'application/xml' } });
        dialog.close();
        await versions(deployed.processDefinitionKey);
        status.replaceChildren(el('p', { id: 'deployed' }, `Deployed version ${deployed.version}.`),
          el('p', { class: 'muted' }, deployed.changes));
      } catch (e) {
        showError(document.getElementById('deploy-result'), e);
        confirm.disabled = false;
      }
    };
    dialog.showModal();
    confirm.focus();
  }

  document.getElementById('deploy-cancel').addEventListener('click', () => dialog.close());
  select.addEventListener('change', () => open().catch(e => showError(status, e)));
  document.getElementById('validate').addEventListener('click', () => validate().catch(e => showError(status, e)));
  document.getElementById('deploy').addEventListener('click', async () => {
    try {
      const { xml, review, errors } = await validate();
      if (errors) {
        status.append(el('p', { class: 'error' }, 'Not deployed: fix the errors listed below the diagram first.'));
        problems.scrollIntoView({ block: 'start' });
        return;
      }
      confirmDeploy(xml, review);
    } catch (e) { showError(status, e); }
  });

  try {
    const list = await versions();
    if (list.length) await open(); else status.textContent = 'The process is not deployed.';
  } catch (e) { showError(status, e); }
})().catch(e => console.error(e));
