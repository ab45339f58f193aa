'use strict';
(async () => {
  const { api, el, showError } = DicomStage;
  await DicomStage.start('modeler.html');
  const status = document.getElementById('status');
  const select = document.getElementById('version');
  const modeler = DicomStageBpmnModeler.createModeler(document.getElementById('canvas'));

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
  }

  /** bpmnlint's results, as the lint overlay shows them; errors block deploying. */
  async function lint() {
    const linting = modeler.get('linting');
    // lint() answers per rule: { rule: [{ id (element), message, category }] }.
    const issues = Object.entries(await linting.lint()).flatMap(([rule, reports]) => reports.map(r => ({ rule, ...r })));
    const errors = issues.filter(i => i.category === 'error');
    linting.toggle(true);
    status.replaceChildren(el('p', { class: errors.length ? 'error' : '' },
      `Validation: ${errors.length} error(s), ${issues.length - errors.length} warning(s).`),
      issues.length ? el('ul', {}, issues.slice(0, 20).map(i => el('li', {}, `${i.category}: ${i.id} – ${i.message} (${i.rule})`))) : null);
    return errors.length === 0;
  }

  select.addEventListener('change', () => open().catch(e => showError(status, e)));
  document.getElementById('validate').addEventListener('click', () => lint().catch(e => showError(status, e)));
  document.getElementById('deploy').addEventListener('click', async () => {
    try {
      if (!await lint()) return;
      const { xml } = await modeler.saveXML({ format: true });
      const deployed = await api('/api/admin/process', { method: 'POST', body: xml, headers: { 'Content-Type': 'application/xml' } });
      await versions(deployed.processDefinitionKey);
      status.append(el('p', {}, `Deployed version ${deployed.version}.`));
    } catch (e) { showError(status, e); }
  });

  try {
    const list = await versions();
    if (list.length) await open(); else status.textContent = 'The process is not deployed.';
  } catch (e) { showError(status, e); }
})().catch(e => console.error(e));
