// The worker's side of the teaching-tool panels (optimizer race, backprop inspector, loss
// landscape, weight health, lessons). Each tool is one module in www/worker/ that calls
// `registerTool` once: its message handlers join the worker's, and while its panel is open the
// worker calls its `step` after every training step and its `frame` while building each frame
// message, so a closed panel costs nothing.

/** Message handlers of every tool, merged into the worker's own (name → (session, msg) => void). */
export const toolHandlers = {};
const tools = new Map();

/**
 * @param {string} name  the panel's name, as the page's ToolPanels and the link's `tool=` say it
 * @param {object} hooks
 * @param {object} [hooks.handlers]  extra message handlers, `(session, msg) => void`
 * @param {(session: object, batches: number) => void} [hooks.step]  after the session trained `batches` steps
 * @param {(session: object, msg: object, transfer: ArrayBuffer[]) => void} [hooks.frame]  adds this tool's parts to a frame message
 */
export function registerTool(name, { handlers = {}, step = null, frame = null } = {}) {
  tools.set(name, { step, frame });
  Object.assign(toolHandlers, handlers);
}

/** The open panel (or null): the page says so with `{ type: 'open_tool', name }`. */
toolHandlers.open_tool = (s, { name }) => {
  s.openTool = tools.has(name) ? name : null;
  s.refresh();
};

/** Runs the open tool's `step` hook. */
export function toolStep(session, batches) {
  const tool = session.openTool && tools.get(session.openTool);
  if (tool && tool.step) tool.step(session, batches);
}

/** Adds the open tool's parts to a frame message. */
export function toolFrame(session, msg, transfer) {
  const tool = session.openTool && tools.get(session.openTool);
  if (tool && tool.frame) tool.frame(session, msg, transfer);
}
