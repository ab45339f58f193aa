'use strict';
// The review viewer: Study0's original and the staged copy side by side, slice by slice. The server renders each
// slice to a windowed PNG (PixelMed) and maps the structure sets' contours to pixel coordinates; this page only
// shows them, the contours as SVG over the image.
(async () => {
  const { api, el, showError, param } = DicomStage;
  await DicomStage.start('viewer.html');
  const started = performance.now();
  const enc = encodeURIComponent;
  const SVG = 'http://www.w3.org/2000/svg';
  const status = document.getElementById('viewer-status');
  const seriesSelect = document.getElementById('viewer-series');
  const presetSelect = document.getElementById('viewer-preset');
  const slider = document.getElementById('viewer-slice');
  const positionText = document.getElementById('viewer-position');
  const sidesBox = document.getElementById('viewer-sides');
  const contoursBox = document.getElementById('viewer-contours');
  const legend = document.getElementById('viewer-legend');
  const requestId = param('request');

  // Window/level presets per modality, in the modality's units (HU for CT).
  const PRESETS = {
    CT: [['as-stored', 'As stored in the image'], ['ct-soft-tissue', 'CT soft tissue (40/400)'],
      ['ct-lung', 'CT lung (-600/1500)'], ['ct-bone', 'CT bone (400/1800)'], ['ct-brain', 'CT brain (40/80)']],
    MR: [['as-stored', 'As stored in the image'], ['full-range', 'MR full range']],
    RTDOSE: [['full-range', 'Dose: full range of the frame'], ['as-stored', 'As stored in the image']],
  };
  const presetsFor = modality => PRESETS[modality] || [['as-stored', 'As stored in the image'], ['full-range', 'Full range']];

  let manifest = null, series = null, sides = [], index = 0, firstImageShown = false;

  function base(s, side) {
    return `/api/requests/${enc(requestId)}/viewer/series/${enc(s.seriesInstanceUid)}/${side}`;
  }

  function sliceUrl(side, i) {
    return `${base(series, side.name)}/slices/${i}?preset=${enc(presetSelect.value)}`;
  }

  /** One side's panel: a heading, the image with its contour layer, and a line for what it shows. */
  function panel(name, heading) {
    const img = el('img', { alt: heading + ', slice image', 'data-side': name });
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'contours');
    svg.setAttribute('aria-hidden', 'true');
    const note = el('p', { class: 'viewer-note muted' });
    const box = el('section', { class: 'viewer-side', id: 'viewer-' + name, 'aria-label': heading },
      el('h2', {}, heading), el('div', { class: 'viewer-frame' }, img, svg), note);
    return { name, heading, img, svg, note, box, slices: [], contours: new Map(), error: null };
  }

  async function loadSeries() {
    series = manifest.series.find(s => s.seriesInstanceUid === seriesSelect.value);
    presetSelect.replaceChildren(...presetsFor(series.modality).map(([v, l]) => el('option', { value: v }, l)));
    const source = panel('source', 'Study0 original');
    const copy = panel('copy', series.copy);
    sides = series.hasCopy ? [source, copy] : [source];
    sidesBox.replaceChildren(...sides.map(s => s.box));
    if (!series.hasCopy) sidesBox.append(el('section', { class: 'viewer-side', id: 'viewer-copy' },
      el('h2', {}, 'Staged copy'), el('p', { class: 'muted' }, series.copy + '.')));
    status.replaceChildren(el('p', { class: 'muted' }, 'Loading the series…'));
    await Promise.all(sides.map(async side => {
      try {
        side.slices = (await api(base(series, side.name))).slices;
        if (!side.slices.length) side.note.textContent = 'The archive returned no image of this series.';
      } catch (e) { side.error = e.message; side.note.textContent = e.message; }
    }));
    const count = Math.max(0, ...sides.map(s => s.slices.length));
    const counts = sides.filter(s => !s.error).map(s => s.slices.length);
    status.replaceChildren(counts.length > 1 && counts[0] !== counts[1]
      ? el('p', { class: 'warning', id: 'viewer-count-mismatch' },
        `The copy has ${counts[1]} slice(s), the original ${counts[0]}.`) : '');
    slider.max = Math.max(0, count - 1);
    document.getElementById('viewer-slider-row').hidden = count === 0;
    legend.replaceChildren();
    show(Math.min(index, Math.max(0, count - 1)));
    // The images first, the contours as they arrive: each side's own structure sets on its own images.
    if (manifest.hasStructureSets) sides.filter(s => !s.error).forEach(side =>
      api(base(series, side.name) + '/contours').then(drawn => {
        if (!sides.includes(side)) return;
        side.contours = new Map(drawn.map(d => [d.index, d.contours]));
        if (side.box.hasAttribute('data-shown')) drawContours(side, index);
        showLegend();
      }).catch(e => { side.note.textContent = 'Contours: ' + e.message; }));
  }

  function showLegend() {
    const rois = new Map();
    for (const side of sides) for (const list of side.contours.values()) for (const c of list)
      if (!rois.has(c.roiName)) rois.set(c.roiName, c.color || '#ffff00');
    legend.replaceChildren(...[...rois].map(([name, color]) => el('span', { class: 'roi' },
      el('span', { class: 'swatch', style: 'background:' + color }), name || '(unnamed ROI)')));
  }

  function show(i) {
    if (!sides.length) return;
    index = i;
    slider.value = String(i);
    const total = Number(slider.max) + 1;
    const ref = sides.find(s => s.slices[i]);
    positionText.textContent = `${i + 1} of ${total}` + (ref && ref.slices[i].hasGeometry
      ? ` · ${ref.slices[i].position.toFixed(1)} mm` : '');
    for (const side of sides) {
      if (side.error || !side.slices.length) continue;
      if (!side.slices[i]) { side.note.textContent = 'No slice ' + (i + 1) + ' on this side.'; side.img.removeAttribute('src'); continue; }
      const wanted = sliceUrl(side, i);
      side.img.onload = () => {
        if (side.img.getAttribute('src') !== wanted) return;
        side.svg.setAttribute('viewBox', `0 0 ${side.img.naturalWidth} ${side.img.naturalHeight}`);
        drawContours(side, i);
        side.note.textContent = `Slice ${i + 1}` + (side.slices[i].hasGeometry ? ` at ${side.slices[i].position.toFixed(1)} mm` : '');
        side.box.setAttribute('data-shown', `${i}|${presetSelect.value}`);
        // The neighbours once this slice is up on every side, so they do not hold up the slice asked for.
        if (sides.every(s => s.error || !s.slices[i] || s.box.getAttribute('data-shown') === `${i}|${presetSelect.value}`)) prefetch(i);
        if (!firstImageShown) {
          firstImageShown = true;
          document.body.setAttribute('data-first-image-ms', String(Math.round(performance.now() - started)));
        }
      };
      side.img.onerror = () => { side.note.textContent = 'This image could not be shown.'; };
      side.img.setAttribute('src', wanted);
    }
  }

  function drawContours(side, i) {
    const paths = contoursBox.checked ? (side.contours.get(i) || []) : [];
    side.svg.replaceChildren(...paths.map(c => {
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', c.path);
      path.setAttribute('stroke', c.color || '#ffff00');
      path.setAttribute('data-roi', c.roiName || '');
      const title = document.createElementNS(SVG, 'title');
      title.textContent = c.roiName || '';
      path.append(title);
      return path;
    }));
  }

  /** The neighbours in the browser's cache before they are asked for: scrolling shows them at once. */
  function prefetch(i) {
    for (const side of sides) for (const j of [i + 1, i - 1, i + 2, i + 3]) {
      if (side.slices[j]) { const im = new Image(); im.src = sliceUrl(side, j); }
    }
  }

  function step(delta) {
    const next = Math.max(0, Math.min(Number(slider.max), index + delta));
    if (next !== index) show(next);
  }

  sidesBox.addEventListener('wheel', e => { e.preventDefault(); step(e.deltaY > 0 ? 1 : -1); }, { passive: false });
  sidesBox.addEventListener('keydown', e => {
    const moves = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: 10, PageUp: -10 };
    if (e.key in moves) { e.preventDefault(); step(moves[e.key]); }
    else if (e.key === 'Home') { e.preventDefault(); show(0); }
    else if (e.key === 'End') { e.preventDefault(); show(Number(slider.max)); }
  });
  slider.addEventListener('input', () => show(Number(slider.value)));
  presetSelect.addEventListener('change', () => show(index));
  contoursBox.addEventListener('change', () => sides.forEach(s => drawContours(s, index)));
  seriesSelect.addEventListener('change', () => {
    index = 0;
    history.replaceState(null, '', `/viewer.html?request=${enc(requestId)}&series=${enc(seriesSelect.value)}`);
    loadSeries().catch(e => showError(status, e));
  });

  try {
    if (!requestId) { status.replaceChildren(el('p', {}, 'No request given.')); return; }
    manifest = await api('/api/requests/' + enc(requestId) + '/viewer');
    document.getElementById('viewer-heading').textContent =
      `Image viewer · request #${manifest.requestId} · ${manifest.studyIdentifier} · subject ${manifest.studySubjectId}`;
    document.getElementById('viewer-intro').append(' ',
      el('a', { href: '/requests.html?request=' + enc(manifest.requestId) }, 'Back to the request'));
    if (!manifest.series.length) { status.replaceChildren(el('p', {}, 'This request has no image series.')); return; }
    const label = s => `${s.modality || ''} ${s.description ? '“' + s.description + '”' : ''} · ${s.copy}`;
    seriesSelect.replaceChildren(...manifest.series.map(s => el('option', { value: s.seriesInstanceUid }, label(s))));
    // The series named in the URL, else the first with a copy to compare.
    const wanted = manifest.series.find(s => s.seriesInstanceUid === param('series'))
      || manifest.series.find(s => s.hasCopy) || manifest.series[0];
    seriesSelect.value = wanted.seriesInstanceUid;
    document.getElementById('viewer-controls').hidden = false;
    await loadSeries();
  } catch (e) { showError(status, e); }
})().catch(e => console.error(e));
