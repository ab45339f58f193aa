'use strict';
(async () => {
  const { api, el, showError } = DicomStage;
  await DicomStage.start('index.html');
  const study = DicomStage.activeStudy();
  if (!study) { document.getElementById('no-study').hidden = false; return; }
  document.getElementById('lookup').hidden = false;

  const enc = encodeURIComponent;
  const patients = new Map(); // pid -> enrolment, in the order found
  const tbody = document.querySelector('#patients tbody');

  // ---- Select One: suggestions as the user types (max 10 from the server, then "more…")
  const input = document.getElementById('subject-search');
  const list = document.getElementById('subject-suggestions');
  const status = document.getElementById('search-status');
  let timer = null, active = -1, lastQuery = null;

  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(suggest, 200); });
  input.addEventListener('keydown', e => {
    const items = [...list.querySelectorAll('li[role=option]')];
    if (e.key === 'ArrowDown' && items.length) { e.preventDefault(); move(items, Math.min(active + 1, items.length - 1)); }
    else if (e.key === 'ArrowUp' && items.length) { e.preventDefault(); move(items, Math.max(active - 1, 0)); }
    else if (e.key === 'Enter' && active >= 0 && items[active]) { e.preventDefault(); items[active].click(); }
    else if (e.key === 'Escape') { close(); }
  });

  function move(items, index) {
    items.forEach((item, i) => item.setAttribute('aria-selected', String(i === index)));
    active = index;
    input.setAttribute('aria-activedescendant', items[index].id);
    items[index].scrollIntoView({ block: 'nearest' });
  }

  function close() {
    list.hidden = true; active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  async function suggest() {
    const q = input.value.trim();
    if (!q) { close(); status.textContent = ''; return; }
    lastQuery = q;
    try {
      const result = await api(`/api/studies/${enc(study)}/subjects?q=${enc(q)}`);
      if (q !== lastQuery) return;
      const options = result.hits.map((hit, i) => el('li', { role: 'option', id: 'suggestion-' + i,
        'aria-selected': 'false', onclick: () => { add([hit]); input.value = ''; close(); status.textContent = hit.studySubjectId + ' added.'; } },
        hit.studySubjectId + ' · ' + hit.pid + (hit.siteName ? ' · ' + hit.siteName : '')));
      if (result.more) {
        options.push(el('li', { class: 'more', role: 'option', id: 'suggestion-more', 'aria-selected': 'false',
          onclick: () => { document.getElementById('bulk-text').value = q; document.getElementById('bulk-search').click(); close(); } },
          `more… (${result.total - result.hits.length} further matches: list all with bulk search)`));
      }
      list.replaceChildren(...options);
      list.hidden = options.length === 0;
      input.setAttribute('aria-expanded', String(options.length > 0));
      active = -1;
      status.textContent = result.total === 0 ? 'No subject matches.' : `${result.total} match(es).`;
    } catch (e) { showError(status, e); }
  }

  // ---- Bulk search
  document.getElementById('bulk-search').addEventListener('click', async () => {
    const out = document.getElementById('bulk-status');
    try {
      const result = await api(`/api/studies/${enc(study)}/subjects/bulk`,
        { method: 'POST', body: { text: document.getElementById('bulk-text').value } });
      add(result.matched);
      // replaceChildren would print a null as the text "null".
      out.replaceChildren(...[el('p', {}, `${result.matched.length} subject(s) found.`),
        result.unmatchedTerms.length
          ? el('p', { class: 'warning', id: 'unmatched-terms' }, 'No subject matches: ' + result.unmatchedTerms.join(', '))
          : null].filter(Boolean));
    } catch (e) { showError(out, e); }
  });

  // ---- Patient table with expandable Study0 studies
  function add(enrolments) {
    for (const e of enrolments) if (!patients.has(e.pid)) { patients.set(e.pid, e); tbody.append(...patientRows(e)); }
    document.getElementById('patients').hidden = patients.size === 0;
    document.getElementById('patients-empty').hidden = patients.size > 0;
  }

  function patientRows(p) {
    const detail = el('tr', { hidden: true }, el('td', { colspan: 5, class: 'nested', id: 'studies-' + p.pid }));
    const toggle = el('button', { type: 'button', class: 'toggle link', 'aria-expanded': 'false',
      'aria-controls': 'studies-' + p.pid, 'aria-label': 'Show DICOM studies of ' + p.studySubjectId,
      onclick: async () => {
        const open = toggle.getAttribute('aria-expanded') !== 'true';
        toggle.setAttribute('aria-expanded', String(open));
        toggle.textContent = open ? '▾' : '▸';
        detail.hidden = !open;
        if (open) await loadStudies(p, detail.firstChild);
      } }, '▸');
    const row = el('tr', { 'data-pid': p.pid },
      el('td', {}, toggle), el('td', {}, p.studySubjectId), el('td', {}, p.pid), el('td', {}, p.siteName || ''),
      el('td', {}, el('button', { type: 'button', class: 'link', 'aria-label': 'Remove ' + p.studySubjectId,
        onclick: () => { patients.delete(p.pid); row.remove(); detail.remove(); } }, 'Remove')));
    return [row, detail];
  }

  async function loadStudies(p, cell) {
    cell.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
    try {
      const rows = await api(`/api/studies/${enc(study)}/subjects/${enc(p.pid)}/dicom-studies`);
      if (!rows.length) { cell.replaceChildren(el('p', {}, 'No DICOM studies in Study0.')); return; }
      cell.replaceChildren(el('table', { 'aria-label': 'DICOM studies of ' + p.studySubjectId },
        el('thead', {}, el('tr', {}, ['', 'Date', 'Description', 'Modalities', 'Series', 'Project', ''].map(h => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows.flatMap(r => studyRows(p, r)))));
    } catch (e) { showError(cell, e); }
  }

  // A study row, and below it (collapsed) its series with their own In project status.
  function studyRows(p, r) {
    const id = 'series-' + r.studyInstanceUid.replace(/[^0-9A-Za-z]/g, '-');
    const detail = el('tr', { hidden: true }, el('td', { colspan: 7, class: 'nested', id }));
    const toggle = el('button', { type: 'button', class: 'toggle link', 'aria-expanded': 'false', 'aria-controls': id,
      'aria-label': 'Show series of ' + (r.description || r.studyInstanceUid),
      onclick: async () => {
        const open = toggle.getAttribute('aria-expanded') !== 'true';
        toggle.setAttribute('aria-expanded', String(open));
        toggle.textContent = open ? '▾' : '▸';
        detail.hidden = !open;
        if (open) await loadSeries(p, r, detail.firstChild);
      } }, '▸');
    return [el('tr', { 'data-study-uid': r.studyInstanceUid },
      el('td', {}, toggle),
      el('td', {}, r.studyDate || '—'), el('td', {}, r.description || ''), el('td', {}, r.modalities.join(', ')),
      el('td', {}, r.seriesCount), el('td', { class: 'project' }, el('span', { class: 'badge ' + r.project.split(' ')[0] }, r.project)),
      el('td', {}, el('button', { type: 'button', 'aria-label': `Edit ${r.description || r.studyInstanceUid}`,
        onclick: e => edit(p, r, e.target) }, 'Edit'))), detail];
  }

  async function loadSeries(p, r, cell) {
    cell.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
    try {
      const series = await api(`/api/studies/${enc(study)}/subjects/${enc(p.pid)}/dicom-studies/${enc(r.studyInstanceUid)}/series`);
      cell.replaceChildren(series.length === 0 ? el('p', {}, 'No series.') :
        el('table', { class: 'series-status', 'aria-label': 'Series of ' + (r.description || r.studyInstanceUid) },
          el('thead', {}, el('tr', {}, ['Modality', 'Series #', 'Series', 'Images', 'In project'].map(h => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, series.map(s => el('tr', { 'data-series-uid': s.seriesInstanceUid },
            el('td', {}, s.modality || ''), el('td', {}, s.seriesNumber || ''), el('td', {}, s.description || ''),
            el('td', {}, s.instanceCount), el('td', { class: 'in-project' }, DicomStage.projectBadge(s)))))));
    } catch (e) { showError(cell, e); }
  }

  async function edit(p, r, button) {
    button.disabled = true;
    try {
      const started = await api(`/api/studies/${enc(study)}/subjects/${enc(p.pid)}/dicom-studies/${enc(r.studyInstanceUid)}/edit`,
        { method: 'POST' });
      window.location.href = '/tasks.html?instance=' + enc(started.processInstanceKey) + (started.resumed ? '&resumed=1' : '');
    } catch (e) {
      button.disabled = false;
      button.after(el('span', { role: 'alert', class: 'error' }, ' ' + e.message));
    }
  }
})().catch(e => console.error(e));
