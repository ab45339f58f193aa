'use strict';
(async () => {
  const { api, showError, activeStudy } = DicomStage;
  const me = await DicomStage.start('study.html');
  const study = activeStudy();
  const form = document.getElementById('review-form');
  const box = document.getElementById('four-eyes');
  const status = document.getElementById('review-status');
  if (!study) { status.textContent = 'You are not a member of any DICOM-enabled study.'; return; }
  document.getElementById('title').textContent = 'Study settings · ' + study;
  const url = '/api/studies/' + encodeURIComponent(study) + '/review-setting';
  // Members may read the setting; only coordinators and admins change it (the server decides, this only hides).
  const mayChange = me.studies.some(s => s.identifier === study && (s.role === 'COORDINATOR' || s.role === 'ADMIN'));

  function show(setting) {
    box.checked = setting.fourEyes;
    document.getElementById('reviewers').textContent = setting.reviewers.length ? setting.reviewers.join(', ')
      : 'none: nobody can review a staged copy of this study yet';
    box.disabled = !mayChange;
    document.getElementById('save-review').hidden = !mayChange;
    form.hidden = false;
  }
  try { show(await api(url)); } catch (e) { showError(status, e); return; }
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      const saved = await api(url, { method: 'PUT', body: { fourEyes: box.checked } });
      show(saved);
      status.textContent = `Saved at ${new Date().toLocaleTimeString()}: four eyes ${saved.fourEyes ? 'on' : 'off'}`
        + ' for reviews that start from now.';
    } catch (e) { showError(status, e); }
  });
})().catch(e => console.error(e));
