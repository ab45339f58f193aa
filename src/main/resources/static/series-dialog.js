'use strict';
// "Edit selected DICOM Study": a richer editor for the Pick series task than the form's checklists. It reads the
// task's seriesTable and rtTree variables and writes the same pickedSeriesUids / pickedRtSeriesUids the form submits.
const SeriesDialog = (() => {
  const { el } = DicomStage;
  const PAGE = 10;
  const COLUMNS = [['patientId', 'Subject'], ['studyDate', 'Study date'], ['studyDescription', 'Study'],
    ['modality', 'Modality'], ['seriesNumber', 'Series #'], ['seriesDescription', 'Series'], ['instanceCount', 'Images']];

  /** rtTree is flattened depth-first; a node's parent is the nearest earlier node one level up. */
  function buildTree(flat) {
    const nodes = flat.map((n, i) => ({ ...n, index: i, children: [] }));
    const roots = [], stack = [];
    for (const node of nodes) {
      const depth = Math.max(0, node.depth || 0);
      stack.length = Math.min(stack.length, depth);
      if (depth === 0 || !stack[depth - 1]) roots.push(node); else stack[depth - 1].children.push(node);
      stack[depth] = node;
    }
    return roots;
  }

  // Referenced but not in Study0: the rt package marks such rows with kind DANGLING.
  const dangling = n => n.dangling === true || n.kind === 'DANGLING' || !n.seriesInstanceUid;
  const descendants = n => n.children.flatMap(c => [c, ...descendants(c)]);

  function open(dialog, data, apply) {
    const rows = Array.isArray(data.seriesTable) ? data.seriesTable : [];
    const roots = buildTree(Array.isArray(data.rtTree) ? data.rtTree : []);
    const tableSet = new Set(data.pickedSeriesUids || []);
    const rtSet = new Set(data.pickedRtSeriesUids || []);
    let sortKey = 'studyDate', ascending = true, modality = '', page = 0;
    const collapsed = new Set();

    const tablePanel = el('div', { role: 'tabpanel', id: 'panel-table', 'aria-labelledby': 'tab-table' });
    const rtPanel = el('div', { role: 'tabpanel', id: 'panel-rt', 'aria-labelledby': 'tab-rt', hidden: true });
    const tabTable = el('button', { type: 'button', role: 'tab', id: 'tab-table', 'aria-selected': 'true', 'aria-controls': 'panel-table',
      onclick: () => select(true) }, 'Table View');
    const tabRt = el('button', { type: 'button', role: 'tab', id: 'tab-rt', 'aria-selected': 'false', 'aria-controls': 'panel-rt',
      onclick: () => select(false) }, 'RT View');
    function select(table) {
      tabTable.setAttribute('aria-selected', String(table)); tabRt.setAttribute('aria-selected', String(!table));
      tablePanel.hidden = !table; rtPanel.hidden = table;
    }

    function renderTable() {
      const modalities = [...new Set(rows.map(r => r.modality).filter(Boolean))].sort();
      const filtered = rows.filter(r => !modality || r.modality === modality).sort((a, b) => {
        const x = a[sortKey] ?? '', y = b[sortKey] ?? '';
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
        return ascending ? c : -c;
      });
      const pages = Math.max(1, Math.ceil(filtered.length / PAGE));
      page = Math.min(page, pages - 1);
      const shown = filtered.slice(page * PAGE, page * PAGE + PAGE);
      tablePanel.replaceChildren(
        el('label', { for: 'modality-filter' }, 'Modality'),
        el('select', { id: 'modality-filter', onchange: e => { modality = e.target.value; page = 0; renderTable(); } },
          el('option', { value: '' }, 'All'), modalities.map(m => el('option', { value: m, selected: m === modality }, m))),
        el('table', { id: 'series-table' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, el('span', { class: 'sr-only' }, 'Pick')),
            COLUMNS.map(([key, label]) => el('th', { scope: 'col', 'aria-sort': key === sortKey ? (ascending ? 'ascending' : 'descending') : 'none' },
              el('button', { type: 'button', class: 'sort', onclick: () => { ascending = key === sortKey ? !ascending : true; sortKey = key; renderTable(); } },
                label + (key === sortKey ? (ascending ? ' ▲' : ' ▼') : '')))))),
          el('tbody', {}, shown.map(r => el('tr', {},
            el('td', {}, el('input', { type: 'checkbox', checked: tableSet.has(r.seriesInstanceUid),
              'aria-label': `Pick ${r.modality} ${r.seriesDescription || r.seriesInstanceUid}`,
              onchange: e => { e.target.checked ? tableSet.add(r.seriesInstanceUid) : tableSet.delete(r.seriesInstanceUid); } })),
            COLUMNS.map(([key]) => el('td', {}, r[key] ?? '')))))),
        el('div', { class: 'pager' },
          el('button', { type: 'button', class: 'secondary', disabled: page === 0, onclick: () => { page--; renderTable(); } }, 'Previous'),
          el('span', {}, `Page ${page + 1} of ${pages} (${filtered.length} series)`),
          el('button', { type: 'button', class: 'secondary', disabled: page >= pages - 1, onclick: () => { page++; renderTable(); } }, 'Next')));
    }

    function renderTree() {
      const flagged = [];
      const walk = n => { if (rtSet.has(n.seriesInstanceUid) && (n.approvalStatus === 'UNAPPROVED' || n.approvalStatus === 'REJECTED')) flagged.push(n); n.children.forEach(walk); };
      roots.forEach(walk);
      rtPanel.replaceChildren(...[
        roots.length ? null : el('p', {}, 'No RT objects in this study.'),
        flagged.length ? el('p', { class: 'warning', role: 'alert', id: 'plan-warning' },
          'Selected plans that are not approved: ' + flagged.map(n => `${n.seriesDescription || n.seriesInstanceUid} (${n.approvalStatus})`).join(', ')) : null,
        el('div', { class: 'tree' }, el('ul', { role: 'tree', 'aria-label': 'RT relations' }, roots.map(treeItem)))
      ].filter(Boolean));
    }

    function treeItem(n) {
      const kids = n.children;
      const open = !collapsed.has(n.index);
      const picked = rtSet.has(n.seriesInstanceUid);
      const below = descendants(n).filter(d => !dangling(d));
      const some = below.some(d => rtSet.has(d.seriesInstanceUid));
      const box = el('input', { type: 'checkbox', id: 'rt-' + n.index, checked: picked, disabled: dangling(n),
        onchange: e => {
          for (const d of [n, ...below]) if (!dangling(d)) e.target.checked ? rtSet.add(d.seriesInstanceUid) : rtSet.delete(d.seriesInstanceUid);
          renderTree();
          document.getElementById('rt-' + n.index)?.focus();
        } });
      box.indeterminate = !picked && some;
      return el('li', { role: 'treeitem', 'aria-expanded': kids.length ? String(open) : null, 'aria-selected': String(picked),
          class: dangling(n) ? 'dangling' : null },
        kids.length ? el('button', { type: 'button', class: 'toggle', 'aria-label': (open ? 'Collapse ' : 'Expand ') + (n.seriesDescription || n.modality),
          onclick: () => { open ? collapsed.add(n.index) : collapsed.delete(n.index); renderTree(); } }, open ? '▾' : '▸')
          : el('span', { class: 'toggle', 'aria-hidden': 'true' }, ' '),
        box, ' ',
        el('label', { for: 'rt-' + n.index, style: 'display:inline;font-weight:normal' },
          el('strong', {}, n.modality || '?'), ' ', n.seriesDescription || '',
          dangling(n) ? el('span', { class: 'muted' }, ' (referenced, not in Study0)') : null),
        n.approvalStatus ? ' ' : null,
        n.approvalStatus ? el('span', { class: 'badge ' + n.approvalStatus }, n.approvalStatus) : null,
        kids.length && open ? el('ul', { role: 'group' }, kids.map(treeItem)) : null);
    }

    /**
     * The process brings an RT-view pick's whole subtree. A node whose subtree the user thinned out (an unapproved
     * plan unchecked under its structure set) is therefore sent as a table pick, which brings only what it
     * references; so the unchecked plan stays out.
     */
    function picks() {
      const table = new Set(tableSet), rt = new Set();
      const all = roots.flatMap(r => [r, ...descendants(r)]).filter(n => !dangling(n));
      for (const n of all) {
        if (!rtSet.has(n.seriesInstanceUid)) continue;
        const whole = descendants(n).filter(d => !dangling(d)).every(d => rtSet.has(d.seriesInstanceUid));
        (whole ? rt : table).add(n.seriesInstanceUid);
      }
      for (const uid of rtSet) if (!all.some(n => n.seriesInstanceUid === uid)) rt.add(uid);
      for (const uid of rt) table.delete(uid);
      return { pickedSeriesUids: [...table], pickedRtSeriesUids: [...rt] };
    }

    dialog.replaceChildren(
      el('h2', { id: 'series-dialog-heading' }, 'Edit selected DICOM Study'),
      el('div', { role: 'tablist', 'aria-label': 'Views' }, tabTable, ' ', tabRt),
      tablePanel, rtPanel,
      el('p', {},
        el('button', { type: 'button', id: 'series-apply', onclick: () => {
          apply(picks()); dialog.close(); } }, 'Apply to form'), ' ',
        el('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel')));
    renderTable();
    renderTree();
    dialog.showModal();
  }

  return { open, buildTree };
})();
