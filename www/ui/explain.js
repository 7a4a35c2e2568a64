// Explanations one click away: every element of index.html with `data-explain="key"` gets a
// small ⓘ button after it that opens a popover with the key's text from the strings file
// (www/i18n/en.js), in plain words for a student. Tap, click or Enter opens it; Escape, a second
// press or a click elsewhere closes it (the browser's popover light dismiss), and focus goes
// back to the button. The optimizer's explanation also shows the chosen optimizer's update rule.
import { EXPLAIN, RULES, UI } from '../i18n/en.js';

const $ = (id) => document.getElementById(id);

export class Explanations {
  constructor() {
    this.box = $('explain');
    this.opener = null;
    for (const anchor of document.querySelectorAll('[data-explain]')) this.attach(anchor);
    // beforetoggle fires at once, so aria-expanded is never stale while the popover closes.
    this.box.addEventListener('beforetoggle', (e) => {
      if (e.newState !== 'closed' || !this.opener) return;
      const opener = this.opener;
      opener.setAttribute('aria-expanded', 'false');
      this.opener = null;
      // Escape or Close: the keyboard user goes on from where they were (a click elsewhere keeps its own focus).
      if (!document.activeElement || document.activeElement === document.body || this.box.contains(document.activeElement)) opener.focus();
    });
    this.box.querySelector('.close').addEventListener('click', () => this.box.hidePopover());
  }

  attach(anchor) {
    const key = anchor.dataset.explain;
    const entry = EXPLAIN[key];
    if (!entry) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'explain-btn';
    button.dataset.explainFor = key;
    button.textContent = 'i';
    button.title = UI.explainButton(entry.title);
    button.setAttribute('aria-label', UI.explainButton(entry.title));
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-controls', 'explain');
    button.addEventListener('click', (e) => {
      e.preventDefault(); // inside a <label>, a click would also reach its control
      e.stopPropagation();
      this.toggle(key, button);
    });
    anchor.append(button); // inside the label or heading, on its line
  }

  toggle(key, button) {
    const open = this.box.matches(':popover-open');
    if (open && this.opener === button) {
      this.box.hidePopover();
      return;
    }
    if (open) this.box.hidePopover();
    this.fill(key);
    this.opener = button;
    button.setAttribute('aria-expanded', 'true');
    this.box.showPopover();
    this.place(button);
    this.box.querySelector('.close').focus();
  }

  fill(key) {
    const entry = EXPLAIN[key];
    $('explain-title').textContent = entry.title;
    $('explain-text').textContent = entry.text;
    const rule = $('explain-rule');
    const opt = key === 'opt' ? ($('opt')?.value || '').split('(')[0] : '';
    rule.hidden = !RULES[opt];
    if (RULES[opt]) {
      rule.querySelector('b').textContent = `${UI.ruleHeading} (${opt}): `;
      rule.querySelector('code').textContent = RULES[opt];
    }
    this.box.dataset.key = key;
  }

  /** Below the button, kept inside the window (CSS custom properties: no inline style attribute). */
  place(button) {
    const r = button.getBoundingClientRect();
    const w = this.box.offsetWidth;
    const left = Math.max(8, Math.min(window.innerWidth - w - 8, r.left + r.width / 2 - w / 2));
    const below = r.bottom + 8;
    const top = below + this.box.offsetHeight > window.innerHeight - 8 ? Math.max(8, r.top - this.box.offsetHeight - 8) : below;
    this.box.style.setProperty('--x', `${Math.round(left)}px`);
    this.box.style.setProperty('--y', `${Math.round(top)}px`);
  }
}
