'use strict';
(async () => {
  const { api, el, showError, param } = DicomStage;
  const me = await DicomStage.start('tasks.html');
  const enc = encodeURIComponent;
  const statusBox = document.getElementById('tasks-status');
  let instance = param('instance');
  let form = null, current = null, schema = null, data = {}, autoOpened = false, wanted = param('task');
  let picker = null;
  const PICK_KEYS = ['pickedSeriesUids', 'pickedRtSeriesUids'];

  const journeyBox = document.getElementById('journey');

  /** Where the followed process stands; null while the engine does not know it yet. */
  async function journey() {
    try { return await api('/api/journeys/' + enc(instance)); } catch (e) { return null; }
  }

  function cancel(requestId) {
    Journey.cancelDialog(requestId, answer => {
      document.getElementById('flash').replaceChildren(el('p', {}, answer.message));
      document.getElementById('task-panel').hidden = true;
      current = null;
      if (!instance) { window.location.href = '/tasks.html?instance=' + enc(cancelFor); return; }
      loadTasks();
    });
  }
  let cancelFor = null;

  async function loadTasks(attempt = 0) {
    let tasks;
    try {
      tasks = await api('/api/tasks' + (instance ? '?processInstanceKey=' + enc(instance) : ''));
    } catch (e) { showError(statusBox, e); return; }
    // Following one process: while no task waits for anyone, show what runs (staging progress per series,
    // failures in words) until its next task appears or it ends, and then its end.
    if (instance && tasks.length === 0) {
      const j = await journey();
      journeyBox.hidden = false;
      if (j) {
        Journey.render(journeyBox, j, cancel);
      } else {
        journeyBox.replaceChildren(el('h2', { id: 'journey-heading' }, 'Waiting for the next step of the process…'));
      }
      statusBox.replaceChildren(el('p', {}, el('a', { href: '/tasks.html' }, 'Show all my tasks')));
      document.querySelector('#tasks tbody').replaceChildren();
      document.getElementById('tasks').hidden = true;
      if (!j || !j.end) setTimeout(() => loadTasks(attempt + 1), 1500);
      return;
    }
    journeyBox.hidden = true;
    document.getElementById('tasks').hidden = false;
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
      el('td', {}, t.assignee || offeredTo(t)),
      el('td', {},
        el('button', { type: 'button', onclick: () => openTask(t.key), 'aria-label': 'Open ' + (t.name || t.elementId) }, 'Open'), ' ',
        !t.assignee && !t.note ? el('button', { type: 'button', class: 'secondary', onclick: () => act(t.key, 'claim') }, 'Claim') : null,
        t.note ? el('p', { class: 'muted task-note' }, t.note) : null,
        mine ? el('button', { type: 'button', class: 'secondary', onclick: () => act(t.key, 'unclaim') }, 'Unclaim') : null));
  }

  /** An unassigned task offered to candidates (the review: the study's reviewers) says to whom. */
  function offeredTo(t) {
    return t.candidates && t.candidates.length ? 'unassigned, offered to ' + t.candidates.join(', ') : 'unassigned';
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
        `Study ${current.studyId || '—'} · assignee ${current.assignee || offeredTo(current)} · task ${current.key}`;
      document.getElementById('task-note').replaceChildren(current.note ? el('strong', {}, current.note) : '');
      document.getElementById('task-note').hidden = !current.note;
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
      if (current.elementId === 'ReviewStagedCopy') reviewViewerLinks(document.getElementById('task-meta'), current.processInstanceKey);
      // The cancel button: the same as the form's own "Cancel this request", without filling in the form.
      const cancelButton = document.getElementById('cancel-request');
      cancelButton.hidden = true;
      api('/api/journeys/' + enc(current.processInstanceKey)).then(j => {
        if (j.canCancel && current && current.processInstanceKey === j.processInstanceKey) {
          cancelFor = j.processInstanceKey;
          cancelButton.hidden = false;
          cancelButton.onclick = () => cancel(j.cancelRequestId);
        }
      }).catch(() => { /* not yet a request of this process: nothing to cancel */ });
      document.getElementById('task-heading').focus?.();
    } catch (e) { panel.hidden = false; showError(result, e); }
  }

  /**
   * Above the review form, in the task's line (rewritten when another task opens): the image viewer of each of the
   * process's requests, the copy beside its original, in a tab of its own so the form stays as filled in.
   */
  function reviewViewerLinks(line, processInstanceKey) {
    api('/api/journeys/' + enc(processInstanceKey)).then(j => {
      if (!current || current.processInstanceKey !== j.processInstanceKey) return;
      line.append(...(j.requests || []).map(r => el('span', { class: 'review-viewer' }, ' · ',
        el('a', { href: '/viewer.html?request=' + enc(r.id), target: '_blank', rel: 'noopener' },
          'Look at the staged images beside their originals (request #' + r.id + ')'))));
    }).catch(() => { /* no request yet: nothing to look at */ });
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
      // From now on follow this process: its next task opens by itself once the workers have created it, and
      // while none waits the page shows what runs, then how it ended.
      if (!instance) {
        instance = current.processInstanceKey;
        history.replaceState(null, '', '/tasks.html?instance=' + enc(instance));
      }
      current = null;
      wanted = null;
      autoOpened = false;
      document.getElementById('task-panel').hidden = true;
      await loadTasks();
    } catch (e) { showError(result, e); }
  });

  await loadTasks();
})().catch(e => console.error(e));
