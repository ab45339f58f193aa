'use strict';
(async () => {
  const { api, el, showError, param } = DicomStage;
  await DicomStage.start('requests.html');
  const content = document.getElementById('content');
  const enc = encodeURIComponent;
  const id = param('request');
  const canSeeProcesses = DicomStage.hasRole('COORDINATOR') || DicomStage.hasRole('ADMIN');
  const done = s => s.status === 'VERIFIED' || s.status === 'PUBLISHED' || s.status === 'FAILED';
  // PUBLISHED: verified in the holding node, then published to the project archive and checked there.
  const inProject = (r, s) => s.status === 'PUBLISHED' || (r.outcome === 'ACCEPTED' && s.status === 'VERIFIED');

  function summary(r) {
    const verified = r.series.filter(s => s.status === 'VERIFIED' || s.status === 'PUBLISHED').length;
    const published = r.series.filter(s => s.status === 'PUBLISHED').length;
    const failed = r.series.filter(s => s.status === 'FAILED').length;
    return `${verified} of ${r.series.length} verified` + (published ? `, ${published} in the project` : '')
      + (failed ? `, ${failed} failed` : '');
  }

  // How the request's process ended; requests closed before outcomes were recorded have none.
  const outcomes = { ACCEPTED: 'accepted', ABORTED: 'aborted', ACCESS_DENIED: 'access denied',
    DICOM_NOT_ENABLED: 'study not enabled for DICOM', CANCELLED: 'cancelled' };
  const state = r => !r.closedAt ? 'open' : 'closed' + (r.outcome ? ': ' + (outcomes[r.outcome] || r.outcome) : '');

  async function list() {
    const study = DicomStage.activeStudy();
    if (!study) { content.replaceChildren(el('p', {}, 'No active study.')); return; }
    const requests = await api(`/api/studies/${enc(study)}/requests`);
    content.replaceChildren(requests.length === 0 ? el('p', {}, 'No staging requests in ' + study + '.') :
      el('table', { id: 'requests' },
        el('thead', {}, el('tr', {}, ['Request', 'Subject', 'Requested by', 'Requested', 'Series', 'State'].map(h => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, requests.map(r => el('tr', {},
          el('td', {}, el('a', { href: '/requests.html?request=' + r.id }, '#' + r.id)),
          el('td', {}, r.studySubjectId), el('td', {}, r.requestedBy), el('td', {}, new Date(r.requestedAt).toLocaleString()),
          el('td', {}, summary(r)), el('td', {}, state(r)))))));
  }

  /**
   * A series of this request in words: in the project once the request was accepted, being staged or held for
   * review while it is open, failed with the reason; otherwise not copied and why.
   */
  function seriesState(r, s) {
    if (s.status === 'FAILED') return ['FAILED', 'Failed: ' + (s.failureInWords || 'reason not recorded')];
    if (inProject(r, s))
      return ['Yes', 'In project since ' + new Date(r.closedAt).toLocaleDateString() + ' (request #' + r.id + ')'];
    if (r.closedAt) return ['No', 'Not copied (' + state(r) + ')'];
    if (s.status === 'PENDING' || s.status === 'STAGING') return ['STAGING', 'Being staged'];
    return ['STAGING', 'Held for review'];
  }

  const isEmpty = t => !t.keptDescriptors.length && !t.cleaningNotes.length && !t.unknownAttributesRemoved.length;
  const label = s => (s.modality || '') + (s.description ? ` '${s.description}'` : '');

  /**
   * Every word that left the archive with the copy, series by series: the descriptor values kept after cleaning,
   * the values replaced because they could not be cleaned safely, the unknown attributes removed. Values are text.
   */
  function keptTexts(series, texts) {
    return el('section', { id: 'kept-descriptors' },
      el('h2', {}, 'Kept descriptor values (after cleaning)'),
      el('p', { class: 'muted' }, 'Every descriptor value the staged copy carries, as it leaves the archive.'),
      series.map(s => {
        const t = texts[s.seriesInstanceUid];
        return el('div', { class: 'kept-series', 'data-series-uid': s.seriesInstanceUid },
          el('h3', {}, label(s)),
          t.keptDescriptors.length ? el('table', { class: 'kept-values' },
            el('thead', {}, el('tr', {}, ['Attribute', 'Value'].map(h => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, t.keptDescriptors.map(k => el('tr', {}, el('td', {}, k.keyword), el('td', {}, k.value)))))
            : el('p', {}, 'No descriptor value kept.'),
          t.cleaningNotes.length ? [el('p', {}, 'Could not be cleaned safely, replaced by a dummy value:'),
            el('ul', { class: 'cleaning-notes' }, t.cleaningNotes.map(n => el('li', {}, n)))] : null,
          t.unknownAttributesRemoved.length ? el('p', { class: 'unknown-removed' },
            'Removed because nothing says what they are: ' + t.unknownAttributesRemoved.join(', ')) : null);
      }));
  }

  async function detail() {
    const r = await api('/api/requests/' + enc(id));
    content.replaceChildren(
      el('p', {}, el('a', { href: '/requests.html' }, '← All requests')),
      el('h2', {}, `Request #${r.id} · ${r.studyIdentifier} · subject ${r.studySubjectId}`),
      el('p', {}, `Requested by ${r.requestedBy} on ${new Date(r.requestedAt).toLocaleString()} · ${summary(r)}`,
        r.closedAt ? ` · ${state(r)} on ${new Date(r.closedAt).toLocaleString()}` : '',
        r.processInstanceKey && canSeeProcesses ? el('span', {}, ' · ', el('a', { href: '/process.html?key=' + r.processInstanceKey }, 'process view')) : null,
        r.series.length ? el('span', {}, ' · ', el('a', { id: 'open-viewer', href: '/viewer.html?request=' + enc(r.id) }, 'Image viewer')) : null),
      r.cancellation ? el('p', { id: 'request-cancellation' }, `Cancelled by ${r.cancellation.by} on `
        + `${new Date(r.cancellation.at).toLocaleString()}: “${r.cancellation.reason}”`) : '', // replaceChildren would print null
      // The server decides who may (the requester, a coordinator of the study) and answers in words otherwise.
      !r.closedAt && !r.cancellation ? el('p', {}, el('button', { type: 'button', class: 'secondary danger',
        id: 'request-cancel', onclick: () => Journey.cancelDialog(r.id, answer => {
          content.prepend(el('p', { role: 'status', id: 'cancel-answer' }, answer.message));
        }) }, 'Cancel this request…')) : '',
      el('table', { id: 'request-series' },
        el('thead', {}, el('tr', {}, ['Modality', 'Series', 'Selected', 'In project', 'Instances', canSeeProcesses ? 'Technical detail' : null]
          .filter(Boolean).map(h => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, r.series.map(s => {
          const [tone, words] = seriesState(r, s);
          return el('tr', { 'data-series-uid': s.seriesInstanceUid },
            el('td', {}, s.modality || ''), el('td', {}, s.description || s.seriesInstanceUid),
            el('td', {}, s.selected ? 'picked' : 'referenced'),
            el('td', { class: 'in-project' }, el('span', { class: 'badge project ' + tone }, words)),
            el('td', {}, `${s.stagedInstances} / ${s.expectedInstances || s.instanceCount}`),
            canSeeProcesses ? el('td', { class: 'muted' }, s.failureReason || '') : null);
        }))));
    const texts = await api(`/api/requests/${enc(r.id)}/texts`);
    const withTexts = r.series.filter(s => texts[s.seriesInstanceUid] && !isEmpty(texts[s.seriesInstanceUid]));
    if (withTexts.length) content.append(keptTexts(withTexts, texts));
    const verification = await api(`/api/requests/${enc(r.id)}/verification`);
    if (verification.verified !== null) {
      const columns = ['seriesDescription', 'expectedInstances', 'stagedInstances', 'checks', 'result'];
      content.append(el('h2', {}, 'Verification report: ' + (verification.verified ? 'passed' : 'failed')),
        el('table', { id: 'verification-report' },
          el('thead', {}, el('tr', {}, ['Series', 'Expected', 'Staged', 'Checks', 'Result'].map(h => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, verification.report.map(row => el('tr', {}, columns.map(c => el('td', {},
            typeof row[c] === 'object' && row[c] !== null ? JSON.stringify(row[c]) : (row[c] ?? ''))))))));
    }
    // Poll while work is under way; stop once every series has finished or the request is closed.
    if (!r.closedAt && (r.series.length === 0 || !r.series.every(done))) setTimeout(() => detail().catch(e => showError(content, e)), 3000);
  }

  try { await (id ? detail() : list()); } catch (e) { showError(content, e); }
})().catch(e => console.error(e));
