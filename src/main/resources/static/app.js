// Shared by every page: who is signed in, the active study, the header, and fetch with the CSRF token.
'use strict';

const DicomStage = (() => {
  const STUDY_KEY = 'dicomstage.activeStudy';
  let me = null;

  async function api(path, options = {}) {
    const headers = { 'Accept': 'application/json', ...(options.headers || {}) };
    if (options.body !== undefined && typeof options.body !== 'string') {
      headers['Content-Type'] = 'application/json';
      options = { ...options, body: JSON.stringify(options.body) };
    }
    if (me && options.method && options.method !== 'GET') {
      headers[me.csrf.headerName] = me.csrf.token;
    }
    const response = await fetch(path, { credentials: 'same-origin', ...options, headers });
    if (response.redirected && response.url.includes('/login')) {
      window.location.href = '/login';
      throw new Error('signed out');
    }
    if (!response.ok) {
      let message = response.status + ' ' + response.statusText;
      try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return response.status === 204 ? null : response.json();
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on')) node.addEventListener(name.substring(2), value);
      else if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function activeStudy() {
    const studies = me.studies.filter(s => s.dicomEnabled);
    const stored = localStorage.getItem(STUDY_KEY);
    const found = studies.find(s => s.identifier === stored) || studies[0];
    return found ? found.identifier : null;
  }

  function hasRole(role) { return me.roles.includes(role); }

  function header(current) {
    const links = [['index.html', 'DICOM Lookup'], ['tasks.html', 'My tasks'], ['requests.html', 'Staging progress']];
    if (hasRole('COORDINATOR') || hasRole('ADMIN')) links.push(['processes.html', 'Processes'], ['study.html', 'Study settings']);
    if (hasRole('ADMIN')) links.push(['modeler.html', 'Modeler']);
    const studies = me.studies.filter(s => s.dicomEnabled);
    const select = el('select', { id: 'active-study', 'aria-label': 'Active study',
      onchange: e => { localStorage.setItem(STUDY_KEY, e.target.value); window.location.reload(); } },
      studies.map(s => el('option', { value: s.identifier, selected: s.identifier === activeStudy() },
        s.identifier + ' – ' + s.name)));
    const logout = el('form', { method: 'post', action: '/logout' },
      el('input', { type: 'hidden', name: '_csrf', value: me.csrf.token }),
      el('button', { type: 'submit', class: 'secondary' }, 'Sign out'));
    document.body.prepend(el('header', { class: 'app' },
      el('span', { class: 'brand' }, 'DICOM Stage'),
      el('nav', { 'aria-label': 'Main' }, links.map(([href, label]) =>
        el('a', { href: '/' + href, 'aria-current': href === current ? 'page' : null }, label))),
      el('div', { class: 'who' },
        studies.length ? el('label', { for: 'active-study', class: 'sr-only' }, 'Active study') : null,
        studies.length ? select : el('span', { id: 'active-study-none' }, 'No study'),
        el('span', { id: 'current-user' }, me.displayName + ' (' + me.username + ')'),
        logout)));
  }

  async function start(current) {
    me = await api('/api/me');
    header(current);
    return me;
  }

  function showError(target, error) {
    target.replaceChildren(el('p', { role: 'alert', class: 'error' }, error.message || String(error)));
  }

  /**
   * A series' In project status as a badge: its words (from the server: "Yes, 2026-03-02 (request #4)", "No; being
   * staged (request #6)", "No; failed: reason (request #6)") and a colour for what a glance should catch.
   */
  function projectBadge(series) {
    const words = series.inProject || 'No';
    const tone = /; failed:/.test(words) ? 'FAILED' : /; (being staged|held for review)/.test(words) ? 'STAGING'
      : series.alreadyInProject ? 'Yes' : 'No';
    return el('span', { class: 'badge project ' + tone }, words);
  }

  function param(name) { return new URLSearchParams(window.location.search).get(name); }

  return { api, el, start, activeStudy, hasRole, showError, param, projectBadge, me: () => me };
})();
