'use strict';
(async () => {
  const { api, el, showError, param } = DicomStage;
  await DicomStage.start('processes.html');
  const key = param('key');
  const enc = encodeURIComponent;
  const viewer = new DicomStageBpmnViewer.NavigatedViewer({ container: '#canvas' });

  async function load() {
    const d = await api('/api/processes/' + enc(key));
    const i = d.instance;
    document.getElementById('title').textContent = `Process instance ${i.key}`;
    document.getElementById('summary').textContent =
      `${i.state} · study ${i.studyId || '—'} · subject ${i.subjectId || '—'} · started by ${i.requestedBy || '—'} · version ${i.version}`;
    const xml = await (await fetch('/api/processes/' + enc(key) + '/xml', { credentials: 'same-origin' })).text();
    await viewer.importXML(xml);
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    canvas.zoom('fit-viewport');
    const mark = (id, cls) => { if (registry.get(id)) canvas.addMarker(id, cls); };
    d.completedElements.forEach(id => mark(id, 'highlight-completed'));
    d.activeElements.forEach(id => mark(id, 'highlight-active'));
    d.incidents.forEach(x => mark(x.elementId, 'highlight-incident'));

    // Steps by the name the diagram gives them; the element id only in brackets, for the modeler.
    const stepName = id => registry.get(id)?.businessObject?.name || id;
    const status = document.getElementById('incident-status');
    document.getElementById('incidents').replaceChildren(d.incidents.length === 0 ? el('p', {}, 'No open incidents.') :
      el('ul', {}, d.incidents.map(x => el('li', { class: 'incident' },
        el('strong', {}, stepName(x.elementId)), ` (${x.elementId}, ${x.errorType})`,
        x.createdAt ? ` since ${new Date(x.createdAt).toLocaleString()}` : '', ': ',
        el('span', { class: 'error' }, x.message || ''), ' ',
        el('button', { type: 'button', onclick: async ev => {
          ev.target.disabled = true;
          try {
            await api(`/api/processes/${enc(key)}/incidents/${enc(x.key)}/retry`, { method: 'POST' });
            status.textContent = `Retry sent for "${stepName(x.elementId)}" at ${new Date().toLocaleTimeString()}:`
              + ' the step runs again. If its cause is not fixed, the incident comes back here.';
            await load();
          } catch (e) { ev.target.disabled = false; status.textContent = 'Retry refused: ' + e.message; }
        } }, 'Retry')))));
    document.querySelector('#variables tbody').replaceChildren(...Object.entries(d.variables).map(([name, value]) =>
      el('tr', {}, el('th', { scope: 'row' }, name),
        el('td', {}, el('pre', { style: 'margin:0;white-space:pre-wrap;max-height:12rem;overflow:auto' }, JSON.stringify(value, null, 1))))));
  }
  try { await load(); } catch (e) { showError(document.getElementById('summary'), e); }
})().catch(e => console.error(e));
