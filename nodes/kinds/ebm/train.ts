import { defineKind, one, metricRecord, pictureRecord, type ValueMeta } from '../../core/kind.ts';
import { bool, choice, int, str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { checkDataFits, checkNudged, nums, readoutParam, sizesOf, sizesText } from './common.ts';
import { trainsOnTestDigits } from '../b15/data-mnist.ts';

const VALID_DOCS = {
  stored: 'Error per epoch on the examples wired to valid, a fraction: each relaxed from its own stored state, the free phase\'s steps more each epoch (the published code\'s protocol; no labels used).',
  zero: 'Error per epoch on the examples wired to valid, a fraction: each relaxed from zero with valid_steps steps.',
};

/** The node whose output a wired value is ("nudge.dynamics" → "nudge"). */
const nodeOf = (m: ValueMeta): string => m.ref.slice(0, m.ref.lastIndexOf('.'));

export const trainKind = defineKind({
  kind: 'ebm.eqprop_train',
  version: 1,
  title: 'Train (free + nudged phases)',
  category: 'energy',
  limits: ['epochs'],
  doc:
    'Trains a copy of the network, minibatch by minibatch: clamp the inputs; free phase (the free dynamics) from each example\'s stored state to a fixed point s^0; nudged phase (the nudged dynamics) to s^β; then the learning rule updates weights and biases. The sign of β is drawn per minibatch if the Nudge node asks for it. With "persistent" each example keeps its free fixed point for the next epoch (Scellier & Bengio\'s persistent particles). Records train_error and train_cost (per epoch, measured at the free fixed points before each update, as in the paper; named by train_metric and train_cost_metric, so that a second trainer in the graph, say with another rule, records its own) and, when a validation set is wired, its error per epoch under the name valid_metric (relaxed from zero, or from stored per-example states as in the published code: the network is multistable late in training and the stored states give a lower error), plus, with the input readout, <valid_metric>_by_state (the error by argmax of the output states, the published measure), and draws these per-epoch errors as <node id>_learning_curve.png, redrawn after every epoch so a run shows it as it learns. With fields N it also draws, after every epoch, what training has changed so far in the input weights of the first N hidden units (<node id>_fields.png). The CLI\'s --epochs overrides the epochs.',
  equation: 'Scellier & Bengio 2016, Algorithm (Sec. 3); Bengio et al. 2017, Sec. 3.2',
  keywords: ['equilibrium propagation', 'EqProp'],
  scope: { loop: 'epochs' },
  inputs: {
    network: port('network', { doc: 'The network to train (it is copied; the trained copy comes out).' }),
    data: port('dataset', { doc: 'The training examples.' }),
    free: port('dynamics', { doc: 'Free-phase dynamics (a Langevin node).' }),
    nudged: port('dynamics', { doc: 'Nudged-phase dynamics (a Langevin node through a Nudge node).' }),
    rule: port('rule', { doc: 'The learning rule.' }),
    valid: port('dataset', { optional: true, doc: 'Examples to measure the error on after each epoch, from their stored states, relaxed from zero with valid_steps steps, or both (valid_states).' }),
  },
  outputs: {
    network: port('network', { doc: 'The trained network.' }),
    train_error: port('series', { doc: 'Training error per epoch (fraction).' }),
  },
  params: {
    epochs: int(25, { min: 1, max: 100000, doc: 'Passes over the training data.' }),
    batch_size: int(20, { min: 1, max: 100000, doc: 'Examples per minibatch.' }),
    persistent: bool(true, { doc: 'Start each example\'s free phase from its fixed point of the previous epoch (else from zero).' }),
    shuffle: bool(false, { doc: 'Visit the examples in a new random order each epoch (the reference code does not).' }),
    lr_schedule: choice(['constant', 'cosine'] as const, 'constant', {
      doc: 'The rule\'s learning rates over training: constant (the reference settings), or cosine, scaled by ½(1 + cos(π t/T)) at minibatch t of the T in all epochs, from the full rates down to nearly 0.',
    }),
    valid_steps: int(50, { min: 1, max: 100000, doc: 'Free-phase steps from zero when measuring the validation error.' }),
    valid_states: choice(['from_zero', 'persistent', 'both'] as const, 'from_zero', {
      doc: 'How validation examples are relaxed after each epoch: from zero for valid_steps steps, or (the published code\'s protocol) from their own stored states, the free phase\'s steps more each epoch, or both (the stored-state series named valid_metric, the from-zero one valid_zero_metric).',
    }),
    readout: readoutParam(),
    train_metric: str('train_error', { doc: 'Name of the training error series (a second trainer in the graph needs another, e.g. train_error_stdp).' }),
    train_cost_metric: str('train_cost', { doc: 'Name of the series of the output cost at the free fixed points per epoch.' }),
    valid_metric: str('valid_error', { doc: 'Name of the validation error series (e.g. test_error_stored when the test split is wired to valid).' }),
    valid_zero_metric: str('valid_error_zero', { doc: 'With valid_states both: name of the series relaxed from zero (e.g. test_error_zero).' }),
    fields: int(0, {
      min: 0,
      max: 10000,
      zero: 'off',
      doc: 'Watch the receptive fields form: after every epoch, draw the change training has made so far to the input weights of the first N hidden units, one tile each (grey 0, white up, black down, each tile on its own scale), as <node id>_fields.png. 0: off. Needs a square input (784 = 28 × 28).',
    }),
  },
  records: (p, id, wired) => {
    // As the trainer names them (nodes/runtime/ebm/ops.ts): the validation series only with a validation set wired.
    const validName = p.valid_metric || 'valid_error';
    const valid = !wired.has('valid')
      ? []
      : [...(p.valid_states !== 'from_zero' ? [validName] : []), ...(p.valid_states !== 'persistent' ? [p.valid_states === 'both' ? p.valid_zero_metric || 'valid_error_zero' : validName] : [])];
    const param = (n: string): string => (n === validName ? 'valid_metric' : 'valid_zero_metric');
    return [
      metricRecord(p.train_metric || 'train_error', 'train_metric', 'Training error per epoch, a fraction: the training examples misclassified at their free fixed points during the epoch.'),
      metricRecord(p.train_cost_metric || 'train_cost', 'train_cost_metric', 'The output cost at the free fixed points per epoch, mean over the training examples.'),
      ...valid.flatMap((n) => [
        metricRecord(n, param(n), VALID_DOCS[n === validName && p.valid_states !== 'from_zero' ? 'stored' : 'zero']),
        ...(p.readout === 'input' ? [metricRecord(`${n}_by_state`, param(n), 'The same, each example read by the largest output state.')] : []),
      ]),
      pictureRecord(`${id}_learning_curve`, undefined, 'The training and validation errors per epoch so far.'),
      ...(p.fields > 0 ? [pictureRecord(`${id}_fields`, 'fields', 'The change training has made so far to the input weights of the first hidden units, redrawn after every epoch.')] : []),
    ];
  },
  compile(ctx, inputs, p) {
    const net = one(inputs, 'network');
    const data = one(inputs, 'data');
    const free = one(inputs, 'free');
    const nudged = one(inputs, 'nudged');
    const rule = one(inputs, 'rule');
    const sizes = sizesOf(net);
    let ok = checkDataFits(ctx, net, data, 'data');
    const onTest = trainsOnTestDigits(data);
    if (onTest) ctx.warn(onTest, 'data');
    const valid = inputs.valid && !Array.isArray(inputs.valid) ? inputs.valid : undefined;
    if (valid) ok = checkDataFits(ctx, net, valid, 'valid') && ok;
    ok = checkNudged(ctx, free, false, 'free') && ok;
    ok = checkNudged(ctx, nudged, true, 'nudged') && ok;
    // Steps 0 of a dynamics node mean no steps here (unlike ebm.evaluate's own steps, where 0 defers to the dynamics).
    if (nudged.info.nudged === true && nudged.info.steps === 0) {
      ctx.error(
        `the nudged phase has 0 steps (${nodeOf(nudged)}.steps = 0), so the nudged states s^β are the free ones s^0 and the learning rule gets no signal: no weight would change. Give ${nodeOf(nudged)} 1 or more steps (the reference uses 4)`,
        'nudged',
      );
      ok = false;
    }
    if (free.info.nudged !== true && free.info.steps === 0)
      ctx.warn(
        `the free phase has 0 steps (${nodeOf(free)}.steps = 0), so s^0 is each example's starting state (zero, or its stored state, which then never changes) rather than a fixed point: the nudged phase relaxes from there, the rule learns that relaxation as well as the nudge, and train_error is read at those states. Give ${nodeOf(free)} 1 or more steps (the reference uses 20)`,
        'free',
      );
    const lrs = nums(rule.info, 'lrs') ?? [];
    if (sizes.length && lrs.length !== sizes.length - 1) {
      ctx.error(`the rule has ${lrs.length} learning rate${lrs.length === 1 ? '' : 's'} but the network (${sizesText(sizes)}) has ${sizes.length - 1} weight matri${sizes.length === 2 ? 'x' : 'ces'}; give one per matrix`, 'rule');
      ok = false;
    }
    if (rule.info.centered === true && nudged.info.clamp === true) {
      ctx.error('centered nudging needs nudges of strength +β and −β, but the nudged dynamics clamp the outputs: set the Nudge node\'s mode to nudge, or turn centered off', 'rule');
      ok = false;
    }
    for (const name of ['train_metric', 'train_cost_metric'] as const)
      if (!p[name].trim()) {
        ctx.error(`give the ${name === 'train_metric' ? 'training error' : 'training cost'} series a name`, name);
        ok = false;
      }
    if (valid && !p.valid_metric.trim()) {
      ctx.error('give the validation error series a name', 'valid_metric');
      ok = false;
    }
    if (valid && p.valid_states === 'both' && (!p.valid_zero_metric.trim() || p.valid_zero_metric.trim() === p.valid_metric.trim())) {
      ctx.error('measuring both ways needs a second name for the series from zero, other than valid_metric', 'valid_zero_metric');
      ok = false;
    }
    if (p.fields > 0 && sizes.length && !Number.isInteger(Math.sqrt(sizes[0]))) {
      ctx.error(`fields draws the input weights as square tiles, but the input layer has ${sizes[0]} units, not a square number; set fields to 0`, 'fields');
      ok = false;
    }
    if (!ok) return null;
    return { outputs: { network: { ...net.info, trained: true }, train_error: { length: p.epochs } } };
  },
});
