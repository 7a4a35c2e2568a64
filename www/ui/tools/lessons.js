// The guided lessons panel: a menu of short lessons, each a few steps a teacher would say. A
// step is a text for the student, "Apply this step" (which sets the link fields the step names,
// from the defaults, and starts from fresh weights) and a goal read from the page's numbers, so
// the panel says "Done ✓" and offers the next step. The lessons, their link fields and the goal
// checks are Rust's (src/playground/lessons.rs, sent by www/worker/lessons.js); the link's
// `lesson=2.1` says which step is shown, so a teacher can share a step.
import { el, loadStyle } from '../tooltip.js';
import { getValue } from '../query.js';

/** `2.3` → { lesson: 2, step: 3 }, or null. */
function parseRef(text) {
  const m = /^(\d+)\.(\d+)$/.exec(text || '');
  return m ? { lesson: Number(m[1]), step: Number(m[2]) } : null;
}

export function create(ctx) {
  loadStyle(new URL('./lessons.css', import.meta.url));
  return new LessonsPanel(ctx);
}

class LessonsPanel {
  constructor({ page, root, send }) {
    this.page = page;
    this.send = send;
    this.root = root;
    this.lessons = null;
    this.at = null; // { lesson, step } from the link
    this.goal = null; // the worker's newest goal state
    this.done = new Set(); // steps whose goal was reached while applied ("2.1")
    this.build();
    this.config({ query: page.query });
    send({ type: 'lessons_list' });
  }

  build() {
    this.menu = el('ol', { class: 'ln-menu', 'aria-label': 'Lessons' });
    this.title = el('h3', { class: 'ln-title', id: 'lesson-title' });
    this.summary = el('p', { class: 'ln-summary' });
    this.dots = el('ol', { class: 'ln-dots', 'aria-label': 'Steps' });
    this.counter = el('p', { class: 'ln-counter', id: 'lesson-counter' });
    this.text = el('p', { class: 'ln-text', id: 'lesson-text' });
    this.apply = el('button', { type: 'button', id: 'lesson-apply', class: 'ln-apply', onclick: () => this.applyStep() }, 'Apply this step');
    this.applied = el('span', { class: 'ln-applied', id: 'lesson-applied', 'aria-live': 'polite' });
    this.goalBox = el('p', { class: 'ln-goal', id: 'lesson-goal', 'aria-live': 'polite' });
    this.prev = el('button', { type: 'button', id: 'lesson-prev', class: 'ln-nav', onclick: () => this.go(-1) }, '◀ Previous');
    this.next = el('button', { type: 'button', id: 'lesson-next', class: 'ln-nav', onclick: () => this.go(1) }, 'Next ▶');
    this.share = el('p', { class: 'ln-share', id: 'lesson-share' });
    this.stepBox = el('div', { class: 'ln-step' },
      this.title, this.summary, el('div', { class: 'ln-progress' }, this.counter, this.dots), this.text,
      el('div', { class: 'ln-actions' }, this.apply, this.applied),
      this.goalBox,
      el('div', { class: 'ln-navs' }, this.prev, this.next),
      this.share);
    this.intro = el('p', { class: 'ln-intro' }, 'Pick a lesson. Each step says what to look at; "Apply this step" sets up the playground for it, and the goal below tells you when you are done.');
    this.root.append(el('div', { class: 'ln-body' },
      el('nav', { class: 'ln-nav-list', 'aria-label': 'Lesson list' }, el('h3', { class: 'ln-menu-title' }, 'Lessons'), this.menu),
      el('div', { class: 'ln-main' }, this.intro, this.stepBox)));
  }

  open() {
    this.send({ type: 'lessons_list' });
  }

  message(msg) {
    if (msg.type !== 'lessons') return;
    this.lessons = msg.lessons;
    this.buildMenu();
    this.render();
  }

  config(description) {
    this.query = description.query || '';
    this.at = parseRef(getValue(this.query, 'lesson'));
    this.render();
  }

  frame(msg) {
    if (!('lessonGoal' in msg)) return;
    this.goal = msg.lessonGoal;
    this.renderGoal();
  }

  current() {
    if (!this.lessons || !this.at) return null;
    const lesson = this.lessons[this.at.lesson - 1];
    const step = lesson && lesson.steps[this.at.step - 1];
    return step ? { lesson, step, ref: `${this.at.lesson}.${this.at.step}` } : null;
  }

  buildMenu() {
    this.menuButtons = this.lessons.map((l, i) => {
      const b = el('button', { type: 'button', class: 'ln-lesson', 'data-lesson': String(i + 1), title: l.summary, onclick: () => this.page.change({ lesson: `${i + 1}.1` }) },
        el('span', { class: 'ln-num' }, `${i + 1}`), ` ${l.title}`);
      return el('li', {}, b);
    });
    this.menu.replaceChildren(...this.menuButtons);
  }

  go(delta) {
    const c = this.current();
    if (!c) return;
    const n = this.at.step + delta;
    if (n >= 1 && n <= c.lesson.steps.length) this.page.change({ lesson: `${this.at.lesson}.${n}` });
    else if (delta > 0 && this.at.lesson < this.lessons.length) this.page.change({ lesson: `${this.at.lesson + 1}.1` });
  }

  /** True when the page's link has every field the step sets, with the step's value. */
  isApplied(step) {
    return step.query.split('&').every((pair) => {
      const i = pair.indexOf('=');
      return getValue(this.query || '', pair.slice(0, i)) === pair.slice(i + 1);
    });
  }

  applyStep() {
    const c = this.current();
    if (!c) return;
    // The step's fields from the defaults, this panel kept open at this step, fresh weights.
    this.send({ type: 'pause' });
    this.send({ type: 'set_query', query: `${c.step.query}&tool=lessons&lesson=${c.ref}` });
    this.send({ type: 'reset' });
    this.done.delete(c.ref);
  }

  render() {
    if (!this.lessons) return;
    (this.menuButtons || []).forEach((li, i) => {
      const b = li.firstChild;
      const on = this.at && this.at.lesson === i + 1;
      b.setAttribute('aria-current', on ? 'true' : 'false');
      b.classList.toggle('is-current', Boolean(on));
    });
    const c = this.current();
    this.stepBox.hidden = !c;
    this.intro.hidden = Boolean(c);
    if (!c) return;
    this.title.textContent = `${this.at.lesson}. ${c.lesson.title}`;
    this.summary.textContent = c.lesson.summary;
    const n = c.lesson.steps.length;
    this.counter.textContent = `Step ${this.at.step} of ${n}`;
    this.dots.replaceChildren(...c.lesson.steps.map((_, i) => {
      const ref = `${this.at.lesson}.${i + 1}`;
      return el('li', {
        class: `ln-dot${i + 1 === this.at.step ? ' is-current' : ''}${this.done.has(ref) ? ' is-done' : ''}`,
        title: `Step ${i + 1}${this.done.has(ref) ? ' (done)' : ''}`,
      });
    }));
    this.text.textContent = c.step.text;
    this.prev.disabled = this.at.step <= 1;
    this.next.disabled = this.at.step >= n && this.at.lesson >= this.lessons.length;
    this.next.textContent = this.at.step >= n ? 'Next lesson ▶' : 'Next ▶';
    const applied = this.isApplied(c.step);
    this.root.dataset.applied = String(applied);
    this.apply.textContent = applied ? 'Apply again (fresh weights)' : 'Apply this step';
    this.applied.textContent = applied ? 'The playground is set up for this step.' : '';
    this.share.textContent = `Link to this step: add lesson=${c.ref} (and tool=lessons) to the address, or use "Copy share link".`;
    this.renderGoal();
  }

  renderGoal() {
    const c = this.current();
    if (!c) return;
    const box = this.goalBox;
    box.replaceChildren();
    if (!c.step.goal) {
      box.dataset.state = 'none';
      return;
    }
    const applied = this.isApplied(c.step);
    const g = this.goal && this.goal.lesson === c.ref ? this.goal : null;
    if (applied && g && g.met) this.done.add(c.ref);
    const done = this.done.has(c.ref);
    box.dataset.state = done ? 'done' : applied ? 'working' : 'not-applied';
    box.append(el('b', {}, 'Goal: '), c.step.goal);
    if (done) box.append(el('span', { class: 'ln-done' }, ' — done ✓'));
    else if (!applied) box.append(el('span', { class: 'ln-hint' }, ' — apply this step first'));
    else if (g) box.append(el('span', { class: 'ln-now' }, ` — ${g.now}`));
    this.next.classList.toggle('is-ready', done);
    const dot = this.dots.children[this.at.step - 1];
    if (dot) dot.classList.toggle('is-done', done);
  }
}
