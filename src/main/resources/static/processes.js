'use strict';
(async () => {
  const { api, el, showError } = DicomStage;
  const me = await DicomStage.start('processes.html');
  const content = document.getElementById('content');
  const studySelect = document.getElementById('filter-study');
  me.studies.filter(s => s.role === 'COORDINATOR' || s.role === 'ADMIN')
    .forEach(s => studySelect.append(el('option', { value: s.identifier }, s.identifier)));
  const age = s => s < 3600 ? Math.round(s / 60) + ' min' : s < 172800 ? Math.round(s / 3600) + ' h' : Math.round(s / 86400) + ' d';
  // A running instance's age is how long it has run so far; an ended one's is how long it took.
  const duration = r => (r.endedAt ? 'took ' : 'running for ') + age(r.ageSeconds);

  async function load() {
    const q = new URLSearchParams();
    if (studySelect.value) q.set('study', studySelect.value);
    if (document.getElementById('filter-state').value) q.set('state', document.getElementById('filter-state').value);
    try {
      const rows = await api('/api/processes?' + q);
      content.replaceChildren(rows.length === 0 ? el('p', {}, 'No process instances.') :
        el('table', { id: 'processes' },
          el('thead', {}, el('tr', {}, ['Instance', 'State', 'Study', 'Subject', 'Started by', 'Started', 'Duration', 'Incidents', 'Request'].map(h => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, rows.map(r => el('tr', {},
            el('td', {}, el('a', { href: '/process.html?key=' + r.key }, r.key)),
            el('td', {}, r.state), el('td', {}, r.studyId || '—'), el('td', {}, r.subjectId || '—'),
            el('td', {}, r.requestedBy || '—'), el('td', {}, r.startedAt ? new Date(r.startedAt).toLocaleString() : '—'),
            el('td', { class: 'duration' }, duration(r)),
            el('td', {}, r.openIncidents ? el('span', { class: 'badge incident' }, r.openIncidents) : '0'),
            el('td', {}, r.requestId ? el('a', { href: '/requests.html?request=' + r.requestId }, '#' + r.requestId) : '—'))))));
    } catch (e) { showError(content, e); }
  }
  document.getElementById('filters').addEventListener('submit', e => { e.preventDefault(); load(); });
  load();
})().catch(e => console.error(e));
