// The teaching-tool panels of the page, in the order of their tabs: one registerPanel line each,
// with the tab's label and a dynamic import of the tool's module (loaded on first open).
import { registerPanel } from '../tools.js';

registerPanel('race', {
  label: 'Optimizer race',
  title: 'Optimizer race: copies of this network from the same start weights, each with its own optimizer and learning rate, trained side by side on the same batches',
  load: () => import('./race.js'),
  messages: ['race'],
});
