// Where one process stands, for the tasks page (GET /api/journeys/{key}): the running step with each series'
// progress and failures in words while it runs; a clear end once it has ended. Also the cancel dialog, which the
// tasks and request pages share (POST /api/requests/{id}/cancel).
'use strict';

const Journey = (() => {
  const { api, el } = DicomStage;
  const time = iso => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const when = iso => new Date(iso).toLocaleString();
  const TITLES = { ACCEPTED: 'Copy accepted', CANCELLED: 'Request cancelled', ABORTED: 'Staging aborted',
    ACCESS_DENIED: 'No copy: access denied', DICOM_NOT_ENABLED: 'No copy: study not enabled for DICOM' };

  /** Renders the journey into container; onCancel(requestId) is offered while the user may cancel. */
  function render(container, journey, onCancel) {
    container.replaceChildren(...(journey.end ? end(journey) : running(journey, onCancel)));
  }

  function end(journey) {
    const e = journey.end;
    const parts = [el('h2', { id: 'journey-heading', class: 'end-title ' + e.outcome }, TITLES[e.outcome] || 'Ended'),
      el('p', { id: 'journey-headline' }, e.headline)];
    if (e.outcome === 'ACCEPTED') {
      parts.push(el('dl', { class: 'facts', id: 'journey-facts' },
        el('dt', {}, 'Subject'), el('dd', {}, e.studySubjectId || '—'),
        el('dt', {}, 'PatientID in the copy'), el('dd', {}, e.patientIdInCopy || '—'),
        el('dt', {}, 'Project archive'), el('dd', {}, e.archiveNode || '—'),
        e.at ? [el('dt', {}, 'Accepted'), el('dd', {}, when(e.at))] : null));
      parts.push(el('table', { id: 'journey-copied' },
        el('thead', {}, el('tr', {}, ['Series', 'Modality', 'Instances'].map(h => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, e.copied.map(c => el('tr', {}, el('td', {}, c.label), el('td', {}, c.modality || ''),
          el('td', {}, String(c.instances)))))));
    } else if (e.at) {
      parts.push(el('p', { class: 'muted' }, 'Closed ' + when(e.at) + '.'));
    }
    if (e.link) parts.push(el('p', {}, el('a', { href: e.link, id: 'journey-request-link' }, 'Open request #' + e.requestId)));
    return parts;
  }

  function running(journey, onCancel) {
    const parts = [el('h2', { id: 'journey-heading' }, journey.phase || 'Waiting for the next step of the process…')];
    for (const request of journey.requests) {
      if (!request.series.length) continue;
      parts.push(el('table', { class: 'journey-series', 'data-request': request.id },
        el('caption', {}, 'Request ', el('a', { href: request.link }, '#' + request.id), ' · subject ' + request.studySubjectId),
        el('thead', {}, el('tr', {}, ['Series', 'Progress', 'State'].map(h => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, request.series.map(s => seriesRow(s)))));
    }
    for (const problem of journey.problems) parts.push(el('p', { role: 'alert', class: 'error' }, problem));
    if (journey.canCancel && onCancel) {
      parts.push(el('p', {}, el('button', { type: 'button', class: 'secondary danger', id: 'journey-cancel',
        onclick: () => onCancel(journey.cancelRequestId) }, 'Cancel this request…')));
    }
    return parts;
  }

  function seriesRow(s) {
    const bar = el('progress', { max: String(Math.max(1, s.expectedInstances)), value: String(s.stagedInstances),
      'aria-label': s.label + ': ' + s.stagedInstances + ' of ' + s.expectedInstances });
    const state = [el('span', { class: 'badge ' + s.status }, s.inWords)];
    if (s.problem) {
      state.push(el('div', { class: 'error' }, s.problem));
      state.push(el('div', { class: 'muted' }, s.retryAt ? 'Retrying at ' + time(s.retryAt) + '; ' + s.next : s.next));
    }
    if (s.technical) state.push(el('details', {}, el('summary', {}, 'Technical detail'), el('code', {}, s.technical)));
    return el('tr', {}, el('td', {}, s.label), el('td', {}, bar, ' ', s.stagedInstances + ' / ' + s.expectedInstances),
      el('td', {}, state));
  }

  /** Asks for a reason, then cancels request id; done(answer) after the server accepted it. */
  function cancelDialog(requestId, done) {
    document.getElementById('cancel-dialog')?.remove();
    const result = el('div', { role: 'status', 'aria-live': 'polite' });
    const reason = el('textarea', { id: 'cancel-reason', rows: '3', maxlength: '1000', required: true,
      oninput: () => result.replaceChildren() });
    const dialog = el('dialog', { id: 'cancel-dialog', 'aria-labelledby': 'cancel-dialog-heading' },
      el('h2', { id: 'cancel-dialog-heading' }, 'Cancel request #' + requestId + '?'),
      el('p', {}, 'Staging stops, the holding copy is emptied and nothing is copied to the project archive. '
        + 'The request is closed as cancelled; this cannot be undone.'),
      el('label', { for: 'cancel-reason' }, 'Why do you cancel it? (required)'), reason, result,
      el('p', { class: 'actions' },
        el('button', { type: 'button', class: 'danger', id: 'cancel-confirm', onclick: async () => {
          if (!reason.value.trim()) {
            result.replaceChildren(el('p', { role: 'alert', class: 'error' }, 'Give a reason for cancelling.'));
            reason.focus();
            return;
          }
          try {
            const answer = await api(`/api/requests/${encodeURIComponent(requestId)}/cancel`,
              { method: 'POST', body: { reason: reason.value } });
            dialog.close();
            dialog.remove();
            done(answer);
          } catch (e) { DicomStage.showError(result, e); }
        } }, 'Cancel the request'), ' ',
        el('button', { type: 'button', class: 'secondary', onclick: () => { dialog.close(); dialog.remove(); } },
          'Keep the request')));
    document.body.append(dialog);
    dialog.showModal();
    reason.focus();
    return dialog;
  }

  return { render, cancelDialog };
})();
