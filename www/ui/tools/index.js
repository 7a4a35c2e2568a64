// The teaching-tool panels of the page, in the order of their tabs: one registerPanel line each,
// with the tab's label and a dynamic import of the tool's module (loaded on first open).
import { registerPanel } from '../tools.js';

registerPanel('race', {
  label: 'Optimizer race',
  title: 'Optimizer race: copies of this network from the same start weights, each with its own optimizer and learning rate, trained side by side on the same batches',
  load: () => import('./race.js'),
  messages: ['race'],
});
registerPanel('inspector', { label: 'Backprop inspector', title: 'Follow one training point through a training step: forward pass, loss, backpropagation and the update, with the real numbers', load: () => import('./inspector.js'), messages: ['inspection'] });
registerPanel('landscape', { label: 'Loss landscape', title: 'The training loss on a plane through the current weights, with the path the optimizer takes across it', load: () => import('./landscape.js'), messages: ['landscape'] });
registerPanel('health', { label: 'Gradient health', title: 'The spread of weights and gradients of every layer over time: vanishing gradients and dead ReLUs', load: () => import('./health.js'), messages: ['health'] });
registerPanel('lessons', { label: 'Lessons', title: 'Guided lessons: short steps that set up the playground and say what to look at, with a goal for each', load: () => import('./lessons.js'), messages: ['lessons'] });
