'use strict';
// "Edit selected DICOM Study": the one pick view of the Pick series task, Table View and RT View as two tabs. It
// reads the task's seriesTable and rtTree variables and yields the pickedSeriesUids / pickedRtSeriesUids that the
// Camunda Form (Tasklist's view of the same task) binds to its two checklists.
const SeriesPicker = (() => {
  const { el } = DicomStage;
  const PAGE = 10;
  // The researcher's identifier is the study subject ID, as on the lookup page; the PID stays out of this view.
  const COLUMNS = [['studySubjectId', 'Subject'], ['studyDate', 'Study date'], ['studyDescription', 'Study'],
    ['modality', 'Modality'], ['seriesNumber', 'Series #'], ['seriesDescription', 'Series'], ['instanceCount', 'Images'],
    ['inProject', 'In project']];

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

  /** The name a series goes by: its description, else its RT label (set by the worker), else its modality. */
  const name = r => `${r.modality || '?'} '${r.seriesDescription || r.seriesInstanceUid}'`;

  /**
   * Renders the picker into container; onChange receives { pickedSeriesUids, pickedRtSeriesUids } after every
   * change. Returns { picks } for the current picks.
   */
  function mount(container, data, onChange) {
    const rows = Array.isArray(data.seriesTable) ? data.seriesTable : [];
    const inProject = new Map(rows.filter(r => r.alreadyInProject).map(r => [r.seriesInstanceUid, r]));
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
              onchange: async e => {
                const box = e.target;
                if (box.checked && r.alreadyInProject && !(await confirmRestage([r]))) { box.checked = false; return; }
                box.checked ? tableSet.add(r.seriesInstanceUid) : tableSet.delete(r.seriesInstanceUid);
                changed();
              } })),
            COLUMNS.map(([key]) => el('td', {}, key === 'inProject' ? DicomStage.projectBadge(r) : (r[key] ?? ''))))))),
        el('div', { class: 'pager' },
          el('button', { type: 'button', class: 'secondary', disabled: page === 0, onclick: () => { page--; renderTable(); } }, 'Previous'),
          el('span', {}, `Page ${page + 1} of ${pages} (${filtered.length} series)`),
          el('button', { type: 'button', class: 'secondary', disabled: page >= pages - 1, onclick: () => { page++; renderTable(); } }, 'Next')));
    }

    // The tree is one Tab stop (WAI-ARIA tree view pattern): the item that last had focus keeps tabindex 0, the
    // others -1, and the arrow keys move between the items shown. Checkboxes and toggles are there for the mouse.
    const nodes = roots.flatMap(r => [r, ...descendants(r)]);
    const parentOf = new Map(nodes.flatMap(p => p.children.map(c => [c, p])));
    let active = nodes.length ? nodes[0].index : null;
    let tree = null;

    function renderTree(focus = false) {
      const flagged = [];
      const walk = n => { if (rtSet.has(n.seriesInstanceUid) && (n.approvalStatus === 'UNAPPROVED' || n.approvalStatus === 'REJECTED')) flagged.push(n); n.children.forEach(walk); };
      roots.forEach(walk);
      tree = el('ul', { role: 'tree', 'aria-label': 'RT relations', onkeydown: treeKey,
        onfocusin: e => { const li = e.target.closest('[role=treeitem]'); if (li) tabStop(li); } }, roots.map(n => treeItem(n, 1)));
      rtPanel.replaceChildren(...[
        roots.length ? null : el('p', {}, 'No RT objects in this study.'),
        flagged.length ? el('p', { class: 'warning', role: 'alert', id: 'plan-warning' },
          'Selected plans that are not approved: ' + flagged.map(n => `${n.seriesDescription || n.seriesInstanceUid} (${n.approvalStatus})`).join(', ')) : null,
        el('div', { class: 'tree' }, tree)
      ].filter(Boolean));
      // The Tab stop stays on the active item, or on its nearest ancestor still shown when a collapse hid it.
      let n = nodes.find(d => d.index === active), li = null;
      while (n && !(li = itemOf(n))) n = parentOf.get(n);
      li = li || tree.querySelector('[role=treeitem]');
      if (li) { tabStop(li); if (focus) li.focus(); }
    }

    const itemOf = n => tree.querySelector(`[role=treeitem][data-index="${n.index}"]`);
    const nodeOf = li => nodes.find(d => d.index === Number(li.dataset.index));

    function tabStop(li) {
      for (const other of tree.querySelectorAll('[role=treeitem][tabindex="0"]')) if (other !== li) other.tabIndex = -1;
      li.tabIndex = 0;
      active = Number(li.dataset.index);
    }

    function moveTo(li) { if (li) { tabStop(li); li.focus(); } }

    /**
     * Checking a node checks its whole subtree (dangling references excepted); unchecking clears it. Series of
     * the subtree already in the project are picked only once the researcher confirms staging them again.
     */
    async function pick(n, checked) {
      const subtree = [n, ...descendants(n)].filter(d => !dangling(d));
      if (checked) {
        const again = [...new Set(subtree.filter(d => !rtSet.has(d.seriesInstanceUid) && d.alreadyInProject)
          .map(d => d.seriesInstanceUid))].map(uid => subtree.find(d => d.seriesInstanceUid === uid));
        if (!(await confirmRestage(again))) { active = n.index; renderTree(true); return; }
      }
      for (const d of subtree) checked ? rtSet.add(d.seriesInstanceUid) : rtSet.delete(d.seriesInstanceUid);
      active = n.index;
      renderTree(true);
      changed();
    }

    function setOpen(n, open) {
      open ? collapsed.delete(n.index) : collapsed.add(n.index);
      active = n.index;
      renderTree(true);
    }

    function treeKey(e) {
      if (e.altKey || e.ctrlKey || e.metaKey || !e.target.matches('[role=treeitem]')) return;
      const li = e.target, n = nodeOf(li);
      const items = [...tree.querySelectorAll('[role=treeitem]')], i = items.indexOf(li);
      const parent = n.children.length > 0, open = parent && !collapsed.has(n.index);
      switch (e.key) {
        case 'ArrowDown': moveTo(items[i + 1]); break;
        case 'ArrowUp': moveTo(items[i - 1]); break;
        case 'Home': moveTo(items[0]); break;
        case 'End': moveTo(items[items.length - 1]); break;
        case 'ArrowRight':
          if (parent && !open) setOpen(n, true);
          else if (open) moveTo(li.querySelector(':scope > [role=group] > [role=treeitem]'));
          break;
        case 'ArrowLeft':
          if (open) setOpen(n, false);
          else if (parentOf.has(n)) moveTo(itemOf(parentOf.get(n)));
          break;
        case ' ': if (!dangling(n)) pick(n, !rtSet.has(n.seriesInstanceUid)); break;
        case 'Enter': if (parent) setOpen(n, !open); break;
        case '*': {
          const siblings = parentOf.has(n) ? parentOf.get(n).children : roots;
          siblings.forEach(s => collapsed.delete(s.index));
          active = n.index; renderTree(true); break;
        }
        default: return;
      }
      e.preventDefault();
    }

    function treeItem(n, level) {
      const kids = n.children;
      const open = !collapsed.has(n.index);
      const picked = rtSet.has(n.seriesInstanceUid);
      const some = descendants(n).some(d => !dangling(d) && rtSet.has(d.seriesInstanceUid));
      const keepFocus = e => e.preventDefault(); // a mouse click leaves focus on the tree item, not on the control
      const box = el('input', { type: 'checkbox', id: 'rt-' + n.index, checked: picked, disabled: dangling(n),
        tabindex: '-1', 'aria-hidden': 'true', onmousedown: keepFocus, onchange: e => pick(n, e.target.checked) });
      box.indeterminate = !picked && some;
      return el('li', { role: 'treeitem', 'data-index': n.index, tabindex: '-1', 'aria-level': level,
          'aria-expanded': kids.length ? String(open) : null,
          'aria-checked': picked ? 'true' : some ? 'mixed' : 'false', 'aria-disabled': dangling(n) ? 'true' : null,
          'aria-labelledby': 'rt-label-' + n.index + (n.approvalStatus ? ' rt-badge-' + n.index : ''),
          class: dangling(n) ? 'dangling' : null },
        kids.length ? el('button', { type: 'button', class: 'toggle', tabindex: '-1', 'aria-hidden': 'true', onmousedown: keepFocus,
          'aria-label': (open ? 'Collapse ' : 'Expand ') + (n.seriesDescription || n.modality),
          onclick: () => setOpen(n, !open) }, open ? '▾' : '▸')
          : el('span', { class: 'toggle', 'aria-hidden': 'true' }, ' '),
        box, ' ',
        el('label', { for: 'rt-' + n.index, id: 'rt-label-' + n.index, style: 'display:inline;font-weight:normal', onmousedown: keepFocus },
          el('strong', {}, n.modality || '?'), ' ', n.seriesDescription || '',
          dangling(n) ? el('span', { class: 'muted' }, ' (referenced, not in Study0)') : null),
        n.rtPlanLabel ? el('span', { class: 'badge plan-label', title: 'RT Plan Label' }, 'Label ' + n.rtPlanLabel) : null,
        n.rtPlanName ? el('span', { class: 'badge plan-name', title: 'RT Plan Name' }, 'Name ' + n.rtPlanName) : null,
        n.approvalStatus ? el('span', { class: 'badge ' + n.approvalStatus, id: 'rt-badge-' + n.index, title: 'Approval status' }, n.approvalStatus) : null,
        dangling(n) ? null : DicomStage.projectBadge(n),
        kids.length && open ? el('ul', { role: 'group' }, kids.map(c => treeItem(c, level + 1))) : null);
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

    /**
     * Asks before a series already in the project is picked again, and says what staging it again does. Resolves
     * true when there is nothing to ask or the researcher confirms.
     */
    function confirmRestage(series) {
      if (!series.length) return Promise.resolve(true);
      return new Promise(resolve => {
        const ask = el('dialog', { id: 're-stage-dialog', 'aria-labelledby': 're-stage-heading', 'aria-describedby': 're-stage-text' });
        const done = answer => { ask.close(); ask.remove(); resolve(answer); };
        ask.append(
          el('h2', { id: 're-stage-heading' }, series.length === 1 ? 'Already in the project' : `${series.length} series already in the project`),
          el('ul', {}, series.map(r => el('li', {}, name(r) + ': ' + (r.inProject || inProject.get(r.seriesInstanceUid)?.inProject || 'in project')))),
          el('p', { id: 're-stage-text' }, 'Staging again copies the same instances under the same pseudonymized UIDs: the ' +
            'project archive keeps one copy of each, with no duplicates. It is only needed if that copy is incomplete or was changed.'),
          el('p', {},
            el('button', { type: 'button', id: 're-stage-yes', onclick: () => done(true) }, 'Stage again'), ' ',
            el('button', { type: 'button', class: 'secondary', id: 're-stage-no', onclick: () => done(false) }, 'Keep as is')));
        ask.addEventListener('cancel', e => { e.preventDefault(); done(false); });
        container.append(ask);
        ask.showModal();
        document.getElementById('re-stage-no').focus();
      });
    }

    const changed = () => onChange(picks());

    container.replaceChildren(
      el('h3', { id: 'series-picker-heading' }, 'Edit selected DICOM Study'),
      el('div', { role: 'tablist', 'aria-label': 'Views' }, tabTable, ' ', tabRt),
      tablePanel, rtPanel);
    renderTable();
    renderTree();
    return { picks };
  }

  return { mount, buildTree };
})();
