'use strict';
(async () => {
  const { api, el, showError } = DicomStage;
  const me = await DicomStage.start('processes.html');
  const content = document.getElementById('content');
  const field = id => document.getElementById('filter-' + id);
  me.studies.filter(s => s.role === 'COORDINATOR' || s.role === 'ADMIN')
    .forEach(s => field('study').append(el('option', { value: s.identifier }, s.identifier)));
  const age = s => s < 90 ? s + ' s' : s < 3600 ? Math.round(s / 60) + ' min' : s < 172800 ? Math.round(s / 3600) + ' h' : Math.round(s / 86400) + ' d';
  // A running instance's age is how long it has run so far; an ended one's is how long it took.
  const duration = r => (r.endedAt ? 'took ' : 'running for ') + age(r.ageSeconds);
  const when = t => t ? new Date(t).toLocaleString() : '—';
  // The date inputs are days in the user's time zone: the server gets the instants those days start at.
  const dayStart = (value, days = 0) => {
    const d = new Date(value + 'T00:00');
    d.setDate(d.getDate() + days);
    return d.toISOString();
  };
  let page = 0;

  // The filters live in the address too, so a reload or a shared link shows the same list.
  const params = new URLSearchParams(location.search);
  field('study').value = params.get('study') || '';
  field('state').value = params.get('state') || '';
  field('subject').value = params.get('subject') || '';
  field('from').value = params.get('from') || '';
  field('to').value = params.get('to') || '';
  field('sort').value = params.get('sort') || 'started-desc';
  field('size').value = params.get('size') || '50';
  field('incidents').checked = params.get('incidents') === 'true';
  page = Math.max(0, parseInt(params.get('page') || '0', 10) || 0);

  function query() {
    const shown = new URLSearchParams();
    const q = new URLSearchParams();
    const set = (name, value, sent = value) => { if (value) { shown.set(name, value); q.set(name, sent); } };
    set('study', field('study').value);
    set('state', field('state').value);
    set('subject', field('subject').value.trim());
    if (field('from').value) { shown.set('from', field('from').value); q.set('startedFrom', dayStart(field('from').value)); }
    if (field('to').value) { shown.set('to', field('to').value); q.set('startedBefore', dayStart(field('to').value, 1)); }
    if (field('incidents').checked) { shown.set('incidents', 'true'); q.set('incidents', 'true'); }
    if (field('sort').value !== 'started-desc') set('sort', field('sort').value);
    if (field('size').value !== '50') set('size', field('size').value);
    if (page > 0) set('page', String(page));
    history.replaceState(null, '', shown.toString() ? '?' + shown : location.pathname);
    return q;
  }

  function pager(result) {
    const first = result.page * result.size;
    const last = first + result.items.length;
    const of = result.totalCapped ? 'more than ' + result.total : String(result.total);
    return el('div', { class: 'pager' },
      el('button', { type: 'button', class: 'secondary', 'aria-label': 'Previous page', disabled: result.page === 0,
        onclick: () => { page--; load(); } }, 'Previous'),
      el('span', { id: 'processes-status' }, result.items.length === 0 ? 'No process instances on this page of ' + of + '.'
        : `Showing ${first + 1}–${last} of ${of}`),
      el('button', { type: 'button', class: 'secondary', 'aria-label': 'Next page',
        disabled: !result.totalCapped && last >= result.total, onclick: () => { page++; load(); } }, 'Next'));
  }

  async function load() {
    try {
      const result = await api('/api/processes?' + query());
      if (result.total === 0) {
        content.replaceChildren(el('p', { id: 'processes-status' }, 'No process instances match.'));
        return;
      }
      content.replaceChildren(
        el('table', { id: 'processes' },
          el('caption', { class: 'sr-only' }, 'Process instances of your studies'),
          el('thead', {}, el('tr', {}, ['Instance', 'State', 'Study', 'Subject', 'Started by', 'Started', 'Ended', 'Duration', 'Incidents', 'Request'].map(h => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, result.items.map(r => el('tr', {},
            el('td', {}, el('a', { href: '/process.html?key=' + r.key }, r.key)),
            el('td', {}, r.state), el('td', {}, r.studyId || '—'), el('td', {}, r.subjectId || '—'),
            el('td', {}, r.requestedBy || '—'),
            el('td', { class: 'started' }, when(r.startedAt)),
            el('td', { class: 'ended' }, when(r.endedAt)),
            el('td', { class: 'duration' }, duration(r)),
            el('td', { class: 'incidents' }, r.openIncidents ? el('span', { class: 'badge incident' }, r.openIncidents) : '0'),
            el('td', {}, r.requestId ? el('a', { href: '/requests.html?request=' + r.requestId }, '#' + r.requestId) : '—'))))),
        pager(result));
    } catch (e) { showError(content, e); }
  }
  document.getElementById('filters').addEventListener('submit', e => { e.preventDefault(); page = 0; load(); });
  load();
})().catch(e => console.error(e));
