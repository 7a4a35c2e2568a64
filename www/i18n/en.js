// English texts of the page's explanations: what each panel and control means, written for a
// student. One entry per `data-explain` key in index.html (www/ui/explain.js shows them);
// `rules` gives each optimizer's update rule, shown under the optimizer's explanation.
// Keep the keys in step with every other language's file: tests/e2e/explain.test.mjs checks.

export const EXPLAIN = {
  speed: {
    title: 'Speed',
    text: 'How much training happens between two pictures. "1 epoch per frame" shows every pass over the training data, like the TensorFlow Playground. "1 step" and "5 steps" are slow motion: one step is one mini-batch. "10 epochs" and "fast" train more between pictures, so a hard problem is solved sooner; every picture still follows.',
  },
  lr: {
    title: 'Learning rate (η)',
    text: 'How big a step the optimizer takes downhill on the loss at each update. Too small and the network learns very slowly; too large and it jumps over the valley, the loss goes up and down or explodes. The slider is logarithmic: each notch multiplies the rate. Try 0.003, 0.03 and 3 on the spiral and watch the loss curve.',
  },
  opt: {
    title: 'Optimizer',
    text: 'The rule that turns the gradient (the slope of the loss for every weight) into a change of the weights. Plain gradient descent steps straight downhill; momentum keeps part of the previous step, so it rolls through small bumps; Adam gives every weight its own step size from the history of its gradients. The rule of the chosen optimizer:',
  },
  act: {
    title: 'Activation function',
    text: 'What a neuron does with the sum of its weighted inputs before passing it on. Without it (linear), any number of layers is still one straight line. tanh and sigmoid bend smoothly but flatten out for large inputs, so in deep networks their gradients fade; ReLU keeps positive values and cuts negative ones to zero: fast, but a neuron that is always negative stops learning ("dead").',
  },
  reg: {
    title: 'Regularization',
    text: 'A penalty on large weights added to the loss, so the network prefers simple boundaries that generalise to new points. L2 shrinks every weight a little at each step (weight decay); L1 pushes small weights to exactly zero. The rate says how strong the penalty is: too strong and the network cannot fit the data at all.',
  },
  data: {
    title: 'Data',
    text: 'The points the network learns from. Each point has two coordinates (x1, x2) and a class (orange or blue), or a number to predict (regression). Part of them, the training set, is used to learn; the rest, the test set, is kept aside to check that the network also works on points it has never seen.',
  },
  ratio: {
    title: 'Training and test data',
    text: 'The share of points used for training. The test points measure how well the network generalises: if the training loss keeps falling while the test loss rises, the network is learning the training points by heart (overfitting).',
  },
  noise: {
    title: 'Noise',
    text: 'How far the points are scattered away from the clean pattern. With noise, some points sit on the wrong side of any sensible boundary; a network that still fits all of them has overfitted.',
  },
  batch: {
    title: 'Batch size',
    text: 'How many training points are averaged for each step of the optimizer (a mini-batch). Small batches give many quick, noisy steps; large batches give fewer, smoother ones. One epoch is one pass over all training points, so it holds (training points ÷ batch size) steps.',
  },
  features: {
    title: 'Input features',
    text: 'What the network is given about each point. x1 and x2 are its coordinates; x1², x2², x1·x2 and the sines are made from them. The right feature can make a problem easy: with x1² and x2², a single neuron can draw a circle. Click a feature to switch it on or off; the thumbnail shows the feature\'s value over the plane.',
  },
  neurons: {
    title: 'Hidden layers and neurons',
    text: 'Each square is one neuron; its picture shows what it outputs for every spot of the plane (blue positive, orange negative). The first layer can only draw straight lines (or curves of the features); later layers combine them into more complex shapes. The lines between neurons are the weights: blue positive, orange negative, thicker when larger. Click a line to type a weight, a neuron to edit its bias; + and − add or remove neurons and layers.',
  },
  output: {
    title: 'Output: the decision boundary',
    text: 'The big picture shows the network\'s answer for every spot of the plane: the colour is the predicted class, its strength how sure the network is (pale near the boundary, where it hesitates). The dots are the training points (and the test points, outlined, if shown). Training is going well when the dots sit on their own colour.',
  },
  loss: {
    title: 'Loss',
    text: 'One number for how wrong the network is, averaged over the points: 0 would be perfect. Training lowers the training loss, because that is what the gradient follows; the test loss shows whether the network also does well on points it did not train on. The chart shows both over the epochs (tick "log scale" to see small values).',
  },
  confusion: {
    title: 'Confusion matrix',
    text: 'Each row is the true class, each column the class the network predicted. The diagonal (blue) counts the right answers; every other cell (orange) is a kind of mistake, such as "true 3 predicted as 8". It shows which classes the network mixes up, which one accuracy number cannot.',
  },
  schedule: {
    title: 'Learning-rate schedule',
    text: 'Whether the learning rate stays constant or shrinks as training goes on. Large steps early move fast; small steps late settle into the bottom of the valley instead of bouncing around it. step(100,0.5) halves the rate every 100 epochs; exponential and cosine shrink it smoothly.',
  },
  dropout: {
    title: 'Dropout',
    text: 'At each training step, this share of the hidden neurons is switched off at random, so the network cannot rely on any single neuron and learns more robust features. It is a regularizer: it only acts while training; the pictures and the test loss use every neuron.',
  },
  init: {
    title: 'Initializer and weight seed',
    text: 'How the starting weights are drawn at random. Glorot and He scale them to the layer sizes so that signals neither die out nor explode through the layers; all zeros would leave every neuron of a layer identical forever. The seed fixes the random draw: the same seed gives the same start and the same run.',
  },
  tools: {
    title: 'Teaching tools',
    text: 'Panels that show why a network learns or fails: the optimizer race trains copies of the network side by side with different optimizers; the backprop inspector follows one point through one training step with every formula and number; gradient health shows whether the gradients vanish or neurons die.',
  },
};

/** Each optimizer's update rule, as a textbook writes it (g is the gradient ∂L/∂w). */
export const RULES = {
  sgd: 'w ← w − η·g',
  momentum: 'v ← μ·v + g;  w ← w − η·v',
  nesterov: 'v ← μ·v + g;  w ← w − η·(g + μ·v)',
  adagrad: 'G ← G + g²;  w ← w − η·g / (√G + ε)',
  rmsprop: 'E ← ρ·E + (1 − ρ)·g²;  w ← w − η·g / (√E + ε)',
  adam: 'm ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ);  w ← w − η·m̂ / (√v̂ + ε)',
  adamw: 'as Adam, then also w ← w − η·λ·w (the weight decay acts on the weights directly, not through g)',
};

export const UI = {
  explainButton: (title) => `What is this? ${title}`,
  close: 'Close',
  ruleHeading: 'Update rule',
};
