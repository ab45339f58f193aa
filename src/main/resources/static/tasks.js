'use strict';
(async () => {
  const { api, el, showError, param } = DicomStage;
  const me = await DicomStage.start('tasks.html');
  const enc = encodeURIComponent;
  const statusBox = document.getElementById('tasks-status');
  const instance = param('instance');
  let form = null, current = null, schema = null, data = {}, autoOpened = false, wanted = param('task');
  let picker = null;
  const PICK_KEYS = ['pickedSeriesUids', 'pickedRtSeriesUids'];

  async function loadTasks(attempt = 0) {
    let tasks;
    try {
      tasks = await api('/api/tasks' + (instance ? '?processInstanceKey=' + enc(instance) : ''));
    } catch (e) { showError(statusBox, e); return; }
    // Following one process: its next task appears once the engine and the workers get there (a Study0 query or
    // staging may take a while), so keep looking for two minutes.
    if (instance && tasks.length === 0 && attempt < 80) {
      statusBox.replaceChildren(el('p', {}, 'Waiting for the next step of the process… ',
        el('a', { href: '/tasks.html' }, 'Show all my tasks')));
      setTimeout(() => loadTasks(attempt + 1), 1500);
      return;
    }
    statusBox.replaceChildren(instance
      ? el('p', {}, param('resumed') ? 'Resumed the open staging request. ' : 'Tasks of one process. ',
          el('a', { href: '/tasks.html' }, 'Show all my tasks'))
      : el('p', {}, tasks.length ? `${tasks.length} open task(s).` : 'No open tasks.'));
    document.querySelector('#tasks tbody').replaceChildren(...tasks.map(row));
    // Open the task named in the URL, or the only open one of the process being followed, once.
    const open = wanted || (instance && tasks.length === 1 ? tasks[0].key : null);
    if (open && !current && !autoOpened) { autoOpened = true; openTask(open); }
  }

  function row(t) {
    const mine = t.assignee === me.username;
    return el('tr', { 'data-task': t.key },
      el('td', {}, t.name || t.elementId), el('td', {}, t.studyId || '—'), el('td', {}, t.subject || '—'),
      el('td', {}, t.assignee || 'unassigned'),
      el('td', {},
        el('button', { type: 'button', onclick: () => openTask(t.key), 'aria-label': 'Open ' + (t.name || t.elementId) }, 'Open'), ' ',
        !t.assignee ? el('button', { type: 'button', class: 'secondary', onclick: () => act(t.key, 'claim') }, 'Claim') : null,
        mine ? el('button', { type: 'button', class: 'secondary', onclick: () => act(t.key, 'unclaim') }, 'Unclaim') : null));
  }

  async function act(key, action) {
    try { await api(`/api/tasks/${enc(key)}/${action}`, { method: 'POST' }); await loadTasks(); }
    catch (e) { showError(statusBox, e); }
  }

  async function openTask(key) {
    document.getElementById('flash').replaceChildren();
    const panel = document.getElementById('task-panel');
    const result = document.getElementById('task-result');
    result.replaceChildren();
    try {
      const detail = await api('/api/tasks/' + enc(key));
      current = detail.task;
      schema = await api('/api/forms/' + enc(current.formId));
      data = { ...detail.variables };
      panel.hidden = false;
      document.getElementById('task-heading').textContent = current.name || current.elementId;
      document.getElementById('task-meta').textContent =
        `Study ${current.studyId || '—'} · assignee ${current.assignee || 'unassigned'} · task ${current.key}`;
      if (form) form.destroy();
      const container = document.getElementById('form-container');
      container.replaceChildren();
      const extra = document.getElementById('task-extra');
      extra.replaceChildren();
      picker = null;
      form = new DicomStageForms.Form({ container });
      if (current.elementId === 'PickSeries') {
        // One pick view: the tabbed picker stands in for the form's two checklists (Tasklist shows those) and
        // submits under their keys.
        await form.importSchema({ ...schema, components: schema.components.filter(c => !PICK_KEYS.includes(c.key)) }, data);
        picker = SeriesPicker.mount(extra, data, picked => { data = { ...data, ...picked }; });
      } else {
        await form.importSchema(schema, data);
      }
      form.on('changed', e => { data = { ...data, ...e.data }; });
      document.getElementById('task-heading').focus?.();
    } catch (e) { panel.hidden = false; showError(result, e); }
  }

  document.getElementById('complete-task').addEventListener('click', async () => {
    const result = document.getElementById('task-result');
    if (!form || !current) return;
    const { data: submitted, errors } = form.submit();
    if (Object.keys(errors).length) {
      result.replaceChildren(el('p', { role: 'alert', class: 'error' }, 'Please correct the highlighted fields.'));
      return;
    }
    try {
      const body = picker ? { ...submitted, ...picker.picks() } : submitted;
      await api(`/api/tasks/${enc(current.key)}/complete`, { method: 'POST', body });
      result.replaceChildren();
      document.getElementById('flash').replaceChildren(el('p', {}, `Task completed: ${current.name || current.elementId}.`));
      current = null;
      // Following one process: its next task opens by itself once the workers have created it.
      wanted = null;
      autoOpened = !instance;
      document.getElementById('task-panel').hidden = true;
      await loadTasks();
    } catch (e) { showError(result, e); }
  });

  await loadTasks();
})().catch(e => console.error(e));
