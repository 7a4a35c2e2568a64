// One floating tooltip for things that are drawn rather than built from elements (network
// links and neurons, the output plot); ordinary controls use their `title` attribute.

const tip = () => document.getElementById('tooltip');

/** Shows `content` (a string of text, or a node) near the pointer position (clientX/Y). */
export function showTip(x, y, content) {
  const el = tip();
  el.replaceChildren();
  if (typeof content === 'string') el.textContent = content;
  else el.append(...[].concat(content));
  el.hidden = false;
  const pad = 14;
  const { innerWidth: w, innerHeight: h } = window;
  const r = el.getBoundingClientRect();
  const left = x + pad + r.width > w ? x - pad - r.width : x + pad;
  const top = y + pad + r.height > h ? y - pad - r.height : y + pad;
  el.style.left = `${Math.max(4, left)}px`;
  el.style.top = `${Math.max(4, top)}px`;
}

export function hideTip() {
  tip().hidden = true;
}

/** Builds a small element tree: el('b', {}, 'text'). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    // Through the CSSOM, not a style="" attribute: the page's Content-Security-Policy has no
    // 'unsafe-inline', which blocks style attributes but not element.style.
    else if (k === 'style') node.style.cssText = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null) node.append(c);
  return node;
}

const sheets = new Set();

/** Adds the style sheet at `href` (a URL) to the page once: the panels loaded on first open
 * bring their own (`loadStyle(new URL('./race.css', import.meta.url))`, found beside the module
 * in www/ui/ and, copied there by scripts/bundle.mjs, in www/dist/). */
export function loadStyle(href) {
  const url = String(href);
  if (sheets.has(url)) return;
  sheets.add(url);
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = url;
  document.head.append(link);
}

/**
 * A small editor popup next to the pointer for a number (a weight or a bias). Calls `onSet`
 * with the number typed; Escape or a click elsewhere closes it.
 */
export function editNumber(x, y, label, value, onSet) {
  const box = document.getElementById('editor');
  const input = document.getElementById('editor-input');
  const ok = document.getElementById('editor-ok');
  document.getElementById('editor-label').textContent = label;
  input.value = String(value);
  box.hidden = false;
  box.style.left = `${Math.min(x + 8, window.innerWidth - 260)}px`;
  box.style.top = `${Math.min(y + 8, window.innerHeight - 60)}px`;
  input.focus();
  input.select();
  const close = () => {
    box.hidden = true;
    input.onkeydown = null;
    ok.onclick = null;
    document.removeEventListener('pointerdown', outside, true);
  };
  const commit = () => {
    const v = Number(input.value);
    if (input.value.trim() === '' || !Number.isFinite(v)) {
      input.classList.add('bad');
      return;
    }
    input.classList.remove('bad');
    close();
    onSet(v);
  };
  const outside = (e) => {
    if (!box.contains(e.target)) close();
  };
  input.onkeydown = (e) => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') close();
  };
  ok.onclick = commit;
  setTimeout(() => document.addEventListener('pointerdown', outside, true), 0);
}
