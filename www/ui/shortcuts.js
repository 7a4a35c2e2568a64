// The page's keyboard shortcuts and the `?` overlay that lists them. One table is the source of
// both: a key pressed outside a text field runs the row's action, and the overlay shows the
// rows, so a shortcut cannot exist without being listed. Each action only clicks the control a
// mouse user would click, so keyboard and mouse can never do different things.

const $ = (id) => document.getElementById(id);
const click = (id) => () => {
  const node = $(id);
  if (node && !node.disabled && !node.hidden) node.click();
};
/** Toggles a checkbox the way a click does, so its `change` listeners run. */
const toggle = (id) => () => {
  const box = $(id);
  if (box && !box.disabled) box.click();
};
/** Moves a range input by `steps` of its own step (the learning rate's is continuous). */
const nudge = (id, delta) => () => {
  const input = $(id);
  if (!input) return;
  const value = Math.min(Number(input.max), Math.max(Number(input.min), Number(input.value) + delta));
  input.value = String(value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.dispatchEvent(new Event('change', { bubbles: true }));
};

/** [keys shown, keys matched (KeyboardEvent.key), what it does, action]. */
export const SHORTCUTS = [
  ['Space', [' '], 'Play or pause training', click('play')],
  ['→', ['ArrowRight'], 'Train one epoch, then pause', click('step')],
  ['b', ['b'], 'Train one mini-batch step, then pause', click('step-batch')],
  ['r', ['r'], 'Reset the weights to their starting values', click('reset')],
  ['g', ['g'], 'Regenerate the data (a new data seed)', click('regenerate')],
  ['+ / −', ['+', '=', '-'], 'Add or remove a hidden layer', null],
  ['[ / ]', ['[', ']'], 'Lower or raise the learning rate', null],
  ['t', ['t'], 'Show or hide the test points', toggle('showtest')],
  ['d', ['d'], 'Discretize the output colours', toggle('discretize')],
  ['p', ['p'], 'Presenter mode (large type for a projector)', click('present')],
  ['?', ['?'], 'Show this list', null],
  ['Esc', ['Escape'], 'Close this list or a tooltip', null],
];

const ACTIONS = new Map();
for (const [, keys, , action] of SHORTCUTS) for (const k of keys) if (action) ACTIONS.set(k, action);
ACTIONS.set('+', click('add-layer'));
ACTIONS.set('=', click('add-layer'));
ACTIONS.set('-', click('remove-layer'));
ACTIONS.set('[', nudge('lr', -0.25));
ACTIONS.set(']', nudge('lr', 0.25));

/** True when the key belongs to the focused control (typing a number, moving a slider…). */
function ownedByControl(e) {
  const t = e.target;
  if (!(t instanceof Element)) return false;
  if (t.closest('input, select, textarea, [contenteditable="true"], dialog')) {
    // A checkbox or a button keeps only Space and Enter; letters still reach the page.
    if (t.matches('input[type=checkbox], input[type=radio]')) return e.key === ' ';
    return true;
  }
  // Tabs, radio groups and the plane move with the arrow keys; a button only owns its own keys.
  if (t.closest('[role=tab], [role=radio], [role=radiogroup], .plane-view')) return e.key === ' ' || e.key === 'Enter' || e.key.startsWith('Arrow');
  if (t.closest('button, a[href]')) return e.key === ' ' || e.key === 'Enter';
  return false;
}

export class Shortcuts {
  constructor() {
    this.dialog = null;
    document.addEventListener('keydown', (e) => this.onKey(e));
    const open = $('shortcuts');
    if (open) open.addEventListener('click', () => this.show());
  }

  onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (e.key === '?' && !ownedByControl(e)) {
      e.preventDefault();
      this.show();
      return;
    }
    if (ownedByControl(e)) return;
    const action = ACTIONS.get(e.key.length === 1 ? e.key.toLowerCase() : e.key) || ACTIONS.get(e.key);
    if (!action) return;
    e.preventDefault();
    action();
  }

  /** The overlay: a modal <dialog>, so focus stays inside and Esc closes it. */
  show() {
    if (!this.dialog) this.dialog = buildDialog();
    if (!this.dialog.open) this.dialog.showModal();
  }
}

function buildDialog() {
  const dialog = document.createElement('dialog');
  dialog.id = 'shortcuts-dialog';
  dialog.className = 'shortcuts-dialog';
  dialog.setAttribute('aria-labelledby', 'shortcuts-title');
  const title = document.createElement('h2');
  title.id = 'shortcuts-title';
  title.textContent = 'Keyboard shortcuts';
  const list = document.createElement('dl');
  for (const [shown, , what] of SHORTCUTS) {
    const dt = document.createElement('dt');
    for (const [i, part] of shown.split(' / ').entries()) {
      if (i) dt.append(' / ');
      const kbd = document.createElement('kbd');
      kbd.textContent = part;
      dt.append(kbd);
    }
    const dd = document.createElement('dd');
    dd.textContent = what;
    list.append(dt, dd);
  }
  const note = document.createElement('p');
  note.className = 'hint';
  note.textContent = 'Tab moves between controls; Enter or Space presses a button; arrow keys move a slider or, on the output plot, the cursor for a new point.';
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'close';
  close.textContent = 'Close';
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close();
  });
  dialog.append(title, list, note, close);
  document.body.append(dialog);
  return dialog;
}
