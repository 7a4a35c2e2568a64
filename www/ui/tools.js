// The teaching tools' panel below the playground: one tab per tool (optimizer race, backprop
// inspector, loss landscape, weight health, lessons), one open at a time, remembered in the
// link as `tool=`. Each tool is one module in www/ui/tools/, registered (with its tab label) in
// www/ui/tools/index.js and loaded only when its tab is first opened, so the tools add nothing
// to the page's start-up download. This file only switches tabs, tells the worker which panel
// is open (so a closed one costs nothing) and hands each panel the frames and messages it
// asked for.

const panels = new Map();

/**
 * @param {string} name  the tool's token (the link's `tool=` value)
 * @param {object} spec
 * @param {string} spec.label  the tab's text
 * @param {string} [spec.title]  the tab's tooltip: what the tool shows
 * @param {() => Promise<{ create: Function }>} spec.load  imports the tool's module, whose
 *   `create({ page, root, send })` builds the panel inside `root` once, on first open, and
 *   returns an object with optional `open()`, `close()`, `frame(msg)` (every frame while open),
 *   `message(msg)` (worker messages of the types in `spec.messages`) and `config(description)`
 *   (after every change of settings)
 * @param {string[]} [spec.messages]  worker message types this panel handles
 */
export function registerPanel(name, spec) {
  panels.set(name, { ...spec, instance: null, tab: null, root: null });
}

export class ToolPanels {
  /** @param {object} page  the Page (www/page.js): `send`, `change`, `query` and the views */
  constructor(page) {
    this.page = page;
    this.open = null;
    this.tabs = document.getElementById('tool-tabs');
    this.body = document.getElementById('tool-body');
    const section = document.getElementById('tools');
    if (!panels.size || !this.tabs || !this.body) {
      if (section) section.hidden = true;
      return;
    }
    for (const [name, p] of panels) {
      const tab = document.createElement('button');
      tab.type = 'button';
      tab.id = `tool-tab-${name}`;
      tab.className = 'tool-tab';
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-selected', 'false');
      tab.setAttribute('aria-controls', `tool-${name}`);
      tab.dataset.tool = name;
      tab.textContent = p.label;
      if (p.title) tab.title = p.title;
      tab.addEventListener('click', () => this.toggle(name));
      tab.addEventListener('keydown', (e) => this.tabKey(e, name));
      this.tabs.append(tab);
      const root = document.createElement('div');
      root.id = `tool-${name}`;
      root.className = 'tool-panel';
      root.setAttribute('role', 'tabpanel');
      root.setAttribute('aria-labelledby', tab.id);
      root.hidden = true;
      this.body.append(root);
      p.tab = tab;
      p.root = root;
    }
  }

  /** The link's `tool=` value after every change: opens that panel (or closes all). */
  sync(name) {
    const want = panels.has(name) ? name : null;
    if (want !== this.open) this.show(want);
  }

  /** A click on a tab: opens it, or closes it when it is the open one; the link follows. */
  toggle(name) {
    const next = this.open === name ? '' : name;
    this.page.change({ tool: next });
    this.show(next || null);
  }

  tabKey(e, name) {
    const names = [...panels.keys()];
    const i = names.indexOf(name);
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % names.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + names.length) % names.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = names.length - 1;
    if (j < 0) return;
    e.preventDefault();
    panels.get(names[j]).tab.focus();
  }

  async show(name) {
    if (this.open) {
      const p = panels.get(this.open);
      p.root.hidden = true;
      p.tab.setAttribute('aria-selected', 'false');
      if (p.instance && p.instance.close) p.instance.close();
    }
    this.open = name;
    this.page.send({ type: 'open_tool', name });
    if (!name) return;
    const p = panels.get(name);
    p.root.hidden = false;
    p.tab.setAttribute('aria-selected', 'true');
    if (!p.instance) {
      try {
        const mod = await p.load();
        p.instance = p.instance || mod.create({ page: this.page, root: p.root, send: (msg) => this.page.send(msg) }) || {};
      } catch (err) {
        p.root.textContent = `This tool could not be loaded: ${err && err.message ? err.message : err}`;
        return;
      }
    }
    if (this.open === name && p.instance.open) p.instance.open();
  }

  /** A frame from the worker: the open panel draws its parts. */
  frame(msg) {
    const p = this.open && panels.get(this.open);
    if (p && p.instance && p.instance.frame) p.instance.frame(msg);
  }

  /** A worker message the page does not handle itself; true when a panel took it. */
  message(msg) {
    for (const p of panels.values()) {
      if (p.messages && p.messages.includes(msg.type) && p.instance && p.instance.message) {
        p.instance.message(msg);
        return true;
      }
    }
    return false;
  }

  /** Settings changed (the worker's `config` message). */
  config(description) {
    for (const p of panels.values()) if (p.instance && p.instance.config) p.instance.config(description);
  }
}
