// The teaching-tool panels of the page, in the order of their tabs: one registerPanel line each,
// with the tab's label and a dynamic import of the tool's module (loaded on first open).
import { registerPanel } from '../tools.js';

registerPanel('inspector', { label: 'Backprop inspector', load: () => import('./inspector.js'), messages: ['inspection'] });
registerPanel('health', { label: 'Gradient health', load: () => import('./health.js'), messages: ['health'] });
