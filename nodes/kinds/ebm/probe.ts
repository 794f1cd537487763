import { defineKind, one, metricRecord } from '../../core/kind.ts';
import { float, int, str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { checkDataFits, checkNudged, sizesOf, sizesText } from './common.ts';

export const probeKind = defineKind({
  kind: 'ebm.early_inference_probe',
  version: 1,
  title: 'Early inference vs backprop',
  category: 'energy',
  doc:
    'Relaxes the clamped network (σ = 0) to a free fixed point s*, then nudges the outputs toward the targets and runs the nudged dynamics\' steps k, beside a free copy with the same noise. The change Δs of each hidden layer is compared with −∂C/∂s of the output cost C at s*, computed by tfjs autodiff through the network\'s layered feedforward map at the fixed point. Records the cosine similarity per hidden layer, the layer next to the output first. Use a small β (e.g. 0.001) so no unit crosses a kink of the hard sigmoid, σ = 0 in the nudged dynamics (their noise would swamp Δs), and k at least the number of hidden layers + 1 (the nudge reaches layer L−m after m+1 steps); the probe warns when β > 0.005 or σ > 0.',
  equation: 'Bengio et al. 2017, Sec. 3.1 (early inference propagates ∂C/∂s)',
  keywords: ['backpropagation', 'gradient'],
  inputs: {
    network: port('network'),
    data: port('dataset', { doc: 'Inputs to clamp and labels for the targets (the first examples).' }),
    free: port('dynamics', { doc: 'Free dynamics used to reach the fixed point (a Langevin node).' }),
    nudged: port('dynamics', { doc: 'The nudge (β and k steps; a Nudge node). The sign of β is taken as positive.' }),
  },
  outputs: {
    cosine: port('series', { doc: 'cos(Δs_l, −∂C/∂s_l) per hidden layer, top first.' }),
  },
  params: {
    examples: int(32, { min: 1, max: 10000, doc: 'How many examples (their vectors are concatenated per layer).' }),
    settle_steps: int(5000, { min: 1, max: 1000000, doc: 'At most this many free steps to reach the fixed point.' }),
    tolerance: float(1e-6, { min: 0, max: 1, doc: 'The fixed point is reached when no unit moves more than this in a step.' }),
    metric: str('backprop_cosine', { doc: 'Name of the recorded series.' }),
  },
  records: (p) => [metricRecord(p.metric, 'metric', 'Cosine between each hidden layer\'s change in the first steps after the nudge and the backprop gradient −∂C/∂s of the output cost at the free fixed point, one value per hidden layer, the layer next to the output first: 1 is the same direction.')],
  compile(ctx, inputs, p) {
    const net = one(inputs, 'network');
    let ok = checkDataFits(ctx, net, one(inputs, 'data'), 'data');
    ok = checkNudged(ctx, one(inputs, 'free'), false, 'free') && ok;
    ok = checkNudged(ctx, one(inputs, 'nudged'), true, 'nudged') && ok;
    if (one(inputs, 'nudged').info.clamp === true) {
      ctx.error('the probe compares the response to a weak nudge with backprop, but these dynamics clamp the outputs: set the Nudge node\'s mode to nudge', 'nudged');
      ok = false;
    }
    const sizes = sizesOf(net);
    if (sizes.length && sizes.length < 3) {
      ctx.error(`the network (${sizesText(sizes)}) has no hidden layer to probe`, 'network');
      ok = false;
    }
    if (!p.metric.trim()) {
      ctx.error('give the metric a name', 'metric');
      ok = false;
    }
    return ok ? { outputs: { cosine: { length: Math.max(0, sizes.length - 2) } } } : null;
  },
});
