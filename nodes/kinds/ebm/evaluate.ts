import { defineKind, one, metricRecord } from '../../core/kind.ts';
import { choice, int, str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { checkDataFits, checkNudged, readoutParam } from './common.ts';

export const evaluateKind = defineKind({
  kind: 'ebm.evaluate',
  version: 1,
  title: 'Classification error',
  category: 'energy',
  doc:
    'Clamps each example, relaxes the network from zero states with the free dynamics (σ as set there) and predicts the class at the fixed point (see readout). Records the error (a fraction) under the metric name, plus <name>_cost (the mean cost at the fixed point), <name>_ties (the fraction of examples whose output states tie at their maximum, usually all silent) and, with the input readout, <name>_by_state (the error by argmax of the output states, for comparison with the published figures). It classifies every example it is given: the CLI\'s --test-limit caps the test split in the MNIST node, so wired to the training split this node classifies all of it.',
  equation: 'Scellier & Bengio 2016, Sec. 4 (prediction at the free fixed point)',
  inputs: {
    network: port('network'),
    data: port('dataset', { doc: 'The examples to classify.' }),
    dynamics: port('dynamics', { doc: 'Free dynamics (a Langevin node).' }),
  },
  outputs: {
    error: port('metric', { doc: 'Classification error, a fraction in [0,1].' }),
  },
  params: {
    steps: int(50, { min: 0, max: 100000, doc: 'Relaxation steps from zero (0: the dynamics node\'s steps).' }),
    batch_size: int(500, { min: 1, max: 100000, doc: 'Examples relaxed together.' }),
    cost: choice(['half_squared', 'squared'] as const, 'half_squared', { doc: 'The cost reported as <name>_cost.' }),
    readout: readoutParam(),
    metric: str('test_error', { doc: 'Name of the recorded metric.' }),
  },
  records: (p) => [
    metricRecord(p.metric, 'metric', `Classification error, a fraction: the examples relaxed from zero (${p.steps || 'the dynamics node\'s'} steps), each read as ${p.readout === 'input' ? 'the output unit with the largest input' : 'the output unit with the largest state'}.`),
    metricRecord(`${p.metric}_cost`, 'metric', 'The output cost at those fixed points, mean over the examples.'),
    metricRecord(`${p.metric}_ties`, 'metric', 'The fraction of examples whose output states tie (mostly all ten silent).'),
    ...(p.readout === 'input' ? [metricRecord(`${p.metric}_by_state`, 'metric', 'The same fixed points read by the largest output state (a tie goes to the lowest class).')] : []),
  ],
  compile(ctx, inputs, p) {
    const net = one(inputs, 'network');
    const data = one(inputs, 'data');
    let ok = checkDataFits(ctx, net, data, 'data');
    ok = checkNudged(ctx, one(inputs, 'dynamics'), false, 'dynamics') && ok;
    if (!p.metric.trim()) {
      ctx.error('give the metric a name', 'metric');
      ok = false;
    }
    return ok ? { outputs: { error: {} } } : null;
  },
});
