'use strict';
(async () => {
  const { api, el, showError, param } = DicomStage;
  await DicomStage.start('processes.html');
  const key = param('key');
  const enc = encodeURIComponent;
  const viewer = new DicomStageBpmnViewer.NavigatedViewer({ container: '#canvas' });
  const MARKERS = ['highlight-completed', 'highlight-active', 'highlight-incident'];
  const $ = id => document.getElementById(id);
  let drawnDefinition = null;
  let diagramReady = false;
  let current = null;

  const time = t => t ? new Date(t).toLocaleString() : '';
  const clock = t => new Date(t).toLocaleTimeString();
  function took(from, to) {
    if (!from) return '';
    const s = Math.max(0, Math.round(((to ? new Date(to) : new Date()) - new Date(from)) / 1000));
    const text = s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s`
      : `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min`;
    return to ? text : `${text} so far`;
  }
  // Steps by the name the model gives them; the element id only in brackets, for the modeler.
  function stepName(d, id) {
    const run = d.history.find(r => r.elementId === id);
    const fromDiagram = diagramReady ? viewer.get('elementRegistry').get(id)?.businessObject?.name : null;
    return (run && run.name !== id ? run.name : fromDiagram) || id;
  }
  const step = (d, id) => [el('strong', {}, stepName(d, id)), el('span', { class: 'muted element-id' }, ` (${id})`)];

  async function fetchDetail() { return api('/api/processes/' + enc(key)); }

  /** The model once per version; the state markers and counts on every refresh. */
  async function drawDiagram(d) {
    const errorLine = $('diagram-error');
    try {
      if (drawnDefinition !== d.instance.version) {
        const response = await fetch('/api/processes/' + enc(key) + '/xml', { credentials: 'same-origin' });
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        await viewer.importXML(await response.text());
        viewer.get('canvas').zoom('fit-viewport');
        drawnDefinition = d.instance.version;
        diagramReady = true;
      }
      const canvas = viewer.get('canvas');
      const registry = viewer.get('elementRegistry');
      registry.getAll().forEach(e => MARKERS.forEach(m => canvas.removeMarker(e.id, m)));
      const mark = (id, cls) => { if (registry.get(id)) canvas.addMarker(id, cls); };
      d.completedElements.forEach(id => mark(id, 'highlight-completed'));
      d.activeElements.forEach(id => mark(id, 'highlight-active'));
      d.incidents.forEach(x => mark(x.elementId, 'highlight-incident'));
      countMultiInstances(d, registry);
      errorLine.hidden = true;
    } catch (e) {
      errorLine.hidden = false;
      errorLine.textContent = `The diagram could not be drawn (${e.message || e}). The history below lists every step.`;
    }
  }

  /** Badges on multi-instance steps: how many of their instances completed, run, wait on an incident. */
  function countMultiInstances(d, registry) {
    const overlays = viewer.get('overlays');
    overlays.remove({ type: 'instance-counts' });
    const bodies = new Set(d.history.filter(r => r.type === 'MULTI_INSTANCE_BODY').map(r => r.elementId));
    for (const id of bodies) {
      if (!registry.get(id)) continue;
      const inner = d.history.filter(r => r.elementId === id && r.type !== 'MULTI_INSTANCE_BODY');
      const count = test => inner.filter(test).length;
      const parts = [[count(r => r.state === 'COMPLETED'), '✓', 'completed'],
        [count(r => r.state === 'ACTIVE' && !r.incident), '▶', 'active'],
        [count(r => r.state === 'ACTIVE' && r.incident), '⚠', 'with an incident'],
        [count(r => r.state === 'TERMINATED'), '✕', 'terminated']].filter(([n]) => n > 0);
      const words = parts.map(([n, , w]) => `${n} ${w}`).join(', ') || 'no instances yet';
      // Never smaller than their own size: the whole diagram is drawn zoomed out.
      overlays.add(id, 'instance-counts', { position: { bottom: 8, right: 8 }, scale: { min: 1 },
        html: el('span', { class: 'mi-counts', title: `${stepName(d, id)}: ${words}`, 'data-element': id },
          parts.length ? parts.map(([n, sign]) => `${sign} ${n}`).join(' ') : '0') });
    }
  }

  function renderSummary(d) {
    const i = d.instance;
    const end = [...d.history].reverse().find(r => r.type === 'END_EVENT' && r.state === 'COMPLETED');
    $('title').textContent = `Process instance ${i.key}`;
    $('summary').textContent = [
      i.state === 'COMPLETED' && end ? `COMPLETED at "${end.name}"` : i.state,
      `study ${i.studyId || '—'}`, `subject ${i.subjectId || '—'}`, `started by ${i.requestedBy || '—'}`,
      `version ${i.version}`, `started ${time(i.startedAt)}`, i.endedAt ? `ended ${time(i.endedAt)}` : 'running'
    ].join(' · ');
    const requests = $('requests');
    requests.replaceChildren(...(d.requests.length === 0 ? ['No staging request yet.'] : ['Staging request: ',
      ...d.requests.flatMap((r, n) => [n ? ', ' : '', el('a', { href: '/requests.html?request=' + enc(r.id) }, `#${r.id}`),
        ' ', el('span', { class: 'badge request-state ' + r.state }, r.state)])]));
    $('cancel-panel').hidden = i.state !== 'ACTIVE';
  }

  function renderIncidents(d) {
    $('incidents').replaceChildren(d.incidents.length === 0 ? el('p', {}, 'No open incidents.') :
      el('ul', {}, d.incidents.map(x => el('li', { class: 'incident', 'data-element': x.elementId },
        ...step(d, x.elementId), x.createdAt ? ` since ${time(x.createdAt)}` : '',
        x.retriesLeft === null || x.retriesLeft === undefined ? '' : ` · retries left: ${x.retriesLeft}`,
        el('div', { class: 'error incident-summary' }, x.summary || ''),
        el('details', {}, el('summary', {}, 'Technical message'),
          el('pre', { class: 'value incident-message' }, `${x.errorType}: ${x.message || ''}`)),
        el('button', { type: 'button', onclick: ev => retry(ev.target, x) }, 'Retry')))));
  }

  const KINDS = { SERVICE_TASK: 'Service task', USER_TASK: 'User task', START_EVENT: 'Start event',
    END_EVENT: 'End event', BOUNDARY_EVENT: 'Boundary event', INTERMEDIATE_CATCH_EVENT: 'Catch event',
    EXCLUSIVE_GATEWAY: 'Gateway', PARALLEL_GATEWAY: 'Gateway', SUB_PROCESS: 'Subprocess',
    MULTI_INSTANCE_BODY: 'Multi-instance (all)' };

  /** A history time: the clock time on the instance's first day, with the date after it; the full time on hover. */
  function when(d, t) {
    if (!t) return el('td', { class: 'time' });
    const day = x => new Date(x).toLocaleDateString();
    return el('td', { class: 'time', title: time(t) },
      day(t) === day(d.instance.startedAt) ? clock(t) : time(t));
  }

  function renderHistory(d) {
    const bodies = new Set(d.history.filter(r => r.type === 'MULTI_INSTANCE_BODY').map(r => r.elementId));
    $('history').querySelector('tbody').replaceChildren(...d.history.map(r => {
      const inner = bodies.has(r.elementId) && r.type !== 'MULTI_INSTANCE_BODY';
      const state = r.incident && r.state === 'ACTIVE' ? 'INCIDENT' : r.state;
      return el('tr', { class: [inner ? 'inner' : '', r.incident ? 'incident' : ''].join(' ').trim() || null },
        el('td', {}, el('strong', {}, r.name), el('span', { class: 'muted element-id' }, ` (${r.elementId})`)),
        el('td', {}, (KINDS[r.type] || r.type) + (inner ? ', one instance' : '')),
        el('td', { class: 'state state-' + state }, state),
        when(d, r.startedAt), when(d, r.endedAt), el('td', { class: 'time' }, took(r.startedAt, r.endedAt)));
    }));
  }

  // Tables for the variables that hold rows: the series and the reports, with headings a reader knows.
  const TITLES = { seriesToStage: 'Series to stage', verificationReport: 'Verification report',
    stagingResults: 'Staging results', stagingProblems: 'Staging problems', failedSeries: 'Failed series',
    publicationReport: 'Publication report', pseudonymizedIdentity: 'Pseudonymized identity',
    keptDescriptors: 'Kept descriptors', expandedSelection: 'Selection with its references',
    seriesTable: 'Series found in Study0', rtTree: 'RT objects', busyStudies: 'Studies busy in other requests' };
  const COLUMNS = { seriesDescription: 'Series', modality: 'Modality', seriesNumber: 'No.', instanceCount: 'Images',
    expectedInstances: 'Expected images', stagedInstances: 'Staged images', instancesStaged: 'Staged images',
    instances: 'Images', checks: 'Checks', result: 'Result', status: 'Status', problem: 'Problem',
    message: 'Message', studySubjectId: 'Subject', studyDate: 'Study date', studyDescription: 'Study',
    inProject: 'In project', addedBecause: 'Added because', seriesInstanceUid: 'Series UID',
    studyInstanceUid: 'Study UID', stagingRequestId: 'Request', patientId: 'PatientID', archiveNode: 'Archive node' };
  const ROW_LIMIT = 200;
  const isRows = v => Array.isArray(v) && v.length > 0 && v.every(x => x && typeof x === 'object' && !Array.isArray(x));
  const cellText = v => v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

  function rowsTable(name, rows) {
    const keys = [...new Set(rows.flatMap(Object.keys))];
    const rank = k => k in COLUMNS ? Object.keys(COLUMNS).indexOf(k) : 99;
    keys.sort((a, b) => rank(a) - rank(b));
    const shown = rows.slice(0, ROW_LIMIT);
    return el('div', { class: 'table-scroll' }, el('table', { class: 'rows', 'data-variable': name },
      rows.length > ROW_LIMIT ? el('caption', { class: 'muted' }, `The first ${ROW_LIMIT} of ${rows.length} rows.`) : null,
      el('thead', {}, el('tr', {}, keys.map(k => el('th', { scope: 'col' }, COLUMNS[k] || k)))),
      el('tbody', {}, shown.map(r => el('tr', {}, keys.map(k => el('td', {}, cellText(r[k]))))))));
  }

  function renderVariables(d) {
    const entries = Object.entries(d.variables);
    const order = Object.keys(TITLES);
    const titled = entries.filter(([n, v]) => TITLES[n] && isRows(v)).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    const otherRows = entries.filter(([n, v]) => !TITLES[n] && isRows(v));
    $('variable-tables').replaceChildren(
      ...titled.map(([n, v]) => el('section', {}, el('h3', {}, TITLES[n], ' ',
        el('span', { class: 'muted variable-name' }, `(${n}, ${v.length} row${v.length === 1 ? '' : 's'})`)),
        rowsTable(n, v))),
      ...otherRows.map(([n, v]) => el('details', {}, el('summary', {}, `${n} (${v.length} rows)`), rowsTable(n, v))));
    const plain = entries.filter(([n, v]) => !isRows(v));
    $('variables').querySelector('tbody').replaceChildren(...plain.map(([name, value]) =>
      el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, plainValue(value)))));
    $('variables-raw').querySelector('pre').textContent = JSON.stringify(d.variables, null, 1);
  }

  function plainValue(value) {
    if (value === null || value === undefined) return el('span', { class: 'muted' }, 'not set');
    if (Array.isArray(value) && value.every(x => x === null || typeof x !== 'object')) {
      return value.length === 0 ? el('span', { class: 'muted' }, 'empty list') : el('div', { class: 'value' }, value.join(', '));
    }
    if (typeof value === 'object') return el('pre', { class: 'value' }, JSON.stringify(value, null, 1));
    return el('div', { class: 'value' }, String(value));
  }

  async function render(d) {
    current = d;
    renderSummary(d);
    renderHistory(d);
    renderVariables(d);
    await drawDiagram(d);
    renderIncidents(d);
  }

  /** Polls the instance until done(d) says what happened, for at most `seconds`; every answer is drawn. */
  async function follow(seconds, done) {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      await new Promise(r => setTimeout(r, 1000));
      const d = await fetchDetail();
      await render(d);
      if (done(d)) return true;
    }
    return false;
  }

  /**
   * Retry, then follow the job: it ran and failed again (a new incident at the same element instance: one series of
   * a multi-instance step, not its siblings) or succeeded (that element instance ended).
   */
  async function retry(button, x) {
    const status = $('incident-status');
    const name = stepName(current, x.elementId);
    const same = i => x.elementInstanceKey ? i.elementInstanceKey === x.elementInstanceKey : i.elementId === x.elementId;
    const stopped = new Set(x.elementInstanceKey ? [x.elementInstanceKey] : []);
    button.disabled = true;
    try {
      await api(`/api/processes/${enc(key)}/incidents/${enc(x.key)}/retry`, { method: 'POST' });
    } catch (e) { button.disabled = false; status.textContent = 'Retry refused: ' + e.message; return; }
    const sent = `Retry sent for "${name}" at ${clock(Date.now())}`;
    status.textContent = `${sent}: waiting for the step to run…`;
    let outcome = null;
    const settled = await follow(60, d => {
      const again = d.incidents.find(i => same(i) && i.key !== x.key);
      if (again) {
        outcome = `${sent}: the step ran and failed again — ${again.summary} (${again.message})`;
        return true;
      }
      const ran = d.history.filter(r => stopped.has(r.key));
      const moved = ran.length > 0 ? ran.every(r => r.state !== 'ACTIVE') : !d.activeElements.includes(x.elementId);
      if (moved) {
        const now = d.history.filter(r => r.state === 'ACTIVE' && r.type !== 'SUB_PROCESS' && r.type !== 'MULTI_INSTANCE_BODY')
          .map(r => `"${r.name}"`);
        outcome = `${sent}: the step ran and succeeded` + (now.length ? `; the process is now at ${[...new Set(now)].join(', ')}.`
          : d.instance.state === 'ACTIVE' ? '.' : `; the process has ended (${d.instance.state}).`);
        return true;
      }
      return false;
    }).catch(e => { outcome = `${sent}, but following it failed: ${e.message}`; return true; });
    status.textContent = settled ? outcome : `${sent}: the step has not run within a minute (is its worker up?).`
      + ' Reload later to see whether it ran.';
  }

  $('cancel-instance').addEventListener('click', async () => {
    const status = $('cancel-status');
    const reason = $('cancel-reason').value.trim();
    status.classList.remove('done');
    if (!reason) { status.textContent = 'Give a reason for cancelling.'; $('cancel-reason').focus(); return; }
    $('cancel-instance').disabled = true;
    let answer;
    try {
      answer = await api(`/api/processes/${enc(key)}/cancel`, { method: 'POST', body: { reason } });
    } catch (e) { $('cancel-instance').disabled = false; status.textContent = 'Cancel refused: ' + e.message; return; }
    status.textContent = answer.message;
    const ended = d => d.instance.state !== 'ACTIVE' && d.requests.every(r => r.state !== 'OPEN' && r.state !== 'CANCELLING');
    const settled = await follow(120, ended).catch(e => { status.textContent += ` Following it failed: ${e.message}`; return null; });
    if (settled === null) return;
    const d = current;
    if (settled) {
      status.classList.add('done');
      const end = [...d.history].reverse().find(r => r.type === 'END_EVENT' && r.state === 'COMPLETED');
      status.textContent = (d.instance.state === 'COMPLETED' && end
        ? `Cancelled: the process took its cancel path and ended at "${end.name}"`
        : `Cancelled: the instance is ${d.instance.state}`) + (d.requests.length
        ? `; request ${d.requests.map(r => `#${r.id} ${r.state}`).join(', ')}.` : '.');
    } else {
      $('cancel-instance').disabled = false;
      status.textContent = `${answer.message} It has not ended within two minutes: see the incidents and history.`;
    }
  });

  try { await render(await fetchDetail()); } catch (e) { showError($('summary'), e); }
})().catch(e => console.error(e));
