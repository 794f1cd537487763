import { defineKind } from '../../core/kind.ts';
import { int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const LogpTrace = 'eval.logp_trace';

export const logpTraceKind = defineKind({
  kind: LogpTrace,
  version: 1,
  title: 'log p(x,h) during inference',
  category: 'evaluation',
  limits: ['testLimit'],
  doc: 'Mean of log p(x,h) = -1/2 ||x - g1(h1)||^2 - 1/2 sum_l ||h_{l-1} - g_l(h_l)||^2 (constants and the top prior dropped) over the data, after the feedforward pass (t = 0) and after each inference iteration: inference should climb it.',
  equation: 'Bengio et al. 2015, Fig. 4',
  inputs: { model: port('model'), inference: port('inference'), data: port('dataset') },
  outputs: { trace: port('series', { doc: 'Mean log p(x, h) of the test digits after each inference iteration, t = 0..N (iterations + 1 values): it rises while inference improves h (the paper\'s Fig. 4).' }) },
  params: {
    iterations: int(20, { min: 0, max: 10000, doc: 'Inference iterations traced.' }),
    count: int(10000, { min: 1, doc: 'Examples averaged (the CLI --test-limit caps it).' }),
  },
  compile: () => ({ outputs: { trace: {} } }),
});
