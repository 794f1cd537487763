import { defineKind, one, metricRecord, pictureRecord, sourceNode } from '../../core/kind.ts';
import { choice, float, int, str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { num } from './common.ts';
import { SPIKE_SETTINGS, type SpikeSettings } from './stdp-simulate.ts';

export const spikeTraceKind = defineKind({
  kind: 'stdp.spike_trace',
  version: 1,
  title: 'Example spike sequence (Fig. 3)',
  category: 'stdp',
  doc:
    'One example of the Sec. 4.2 simulation: a presynaptic and a postsynaptic Bernoulli spike train drawn from one rate sequence (spike probability max_prob·rate per step), the postsynaptic activity ρ_j(t), and the weight W(t) − W(0) that each rule has accumulated by step t: the rate rule, which adds ρ_j(t+1) − ρ_j(t) at each presynaptic spike, and nearest-neighbour STDP with the paper\'s skip rules. Drawn as three panels over time; the final ΔW of each rule is recorded as <name>_rate_dw and <name>_stdp_dw. Wired to a Spike trains node\'s `trains`, it shows one of the trains that node averages over: its window, τ, spike probabilities and coincident rule are that node\'s (and follow a sweep of them), and this node\'s own are not used; wired to Rate sequences, it uses its own.',
  equation: 'Bengio et al. 2017, Sec. 4.2, Eq. 3.18, Fig. 3',
  inputs: { rates: port('spikes', { doc: 'Rate sequences.' }) },
  outputs: { image: port('image', { doc: 'The three panels.' }) },
  params: {
    sequence: int(-1, { min: -1, max: 999999, doc: 'Which sequence to show (from 0); −1 picks the one with the most for the rate rule to do: the largest Σ_t ρ_i(t)|ρ_j(t+1) − ρ_j(t)|, a postsynaptic rate that rises and falls while presynaptic spikes are likely.' }),
    window: int(20, { min: 1, max: 1000, doc: 'Steps looked at before and after each presynaptic spike.' }),
    tau: float(5, { min: 0.01, max: 1000, label: 'τ', doc: 'STDP time constant, in steps.' }),
    pre_max_prob: float(0.2, { min: 0, max: 1, doc: 'Presynaptic spike probability per step at rate 1.' }),
    post_max_prob: float(0.5, { min: 0, max: 1, doc: 'Postsynaptic spike probability per step at rate 1.' }),
    coincident: choice(['ignore', 'nearest'] as const, 'ignore', { doc: 'A postsynaptic spike at the presynaptic spike\'s own step, beside postsynaptic spikes on one side only (a lone one is always skipped). ignore: it is never the neighbour; the nearest spike on the one side is paired. nearest: it is the nearest neighbour, as the paper\'s "closest postsynaptic spike" reads literally; ΔT = 0, where the kernel is 0, so the presynaptic spike is paired but changes no weight.' }),
    name: str('stdp_spike_trace', { doc: 'Metric prefix and PNG file name.' }),
  },
  records: (p) => [
    metricRecord(`${p.name}_rate_dw`, 'name', 'The rate rule\'s weight change over the sequence shown.'),
    metricRecord(`${p.name}_stdp_dw`, 'name', 'The spike-timing rule\'s weight change over the same sequence.'),
    pictureRecord(p.name, 'name', 'One sequence in three panels: the rates, the spike trains, and the two rules\' weight changes accumulating.'),
  ],
  compile(ctx, inputs, p) {
    const r = one(inputs, 'rates');
    const sequences = num(r.info, 'sequences');
    if (sequences !== undefined && p.sequence >= sequences) {
      ctx.error(`there are ${sequences} sequences (0 to ${sequences - 1}), so sequence ${p.sequence} does not exist`, 'sequence');
      return null;
    }
    if (!p.name.trim()) {
      ctx.error('give it a name', 'name');
      return null;
    }
    // From a Spike trains node its settings are used: one of this node's own that was changed (it is not its default)
    // and differs from that node's would be silently unused.
    const from = r.info.spikeSettings as SpikeSettings | undefined;
    if (from) {
      const unused = SPIKE_SETTINGS.filter((k) => p[k] !== from[k] && p[k] !== spikeTraceKind.params[k].default);
      if (unused.length)
        ctx.warn(
          `${unused.map((k) => `${spikeTraceKind.params[k].label ?? k} ${p[k]}`).join(', ')} ${unused.length === 1 ? 'is' : 'are'} not used: the trains come from ${sourceNode(r)}, whose ${unused.map((k) => `${spikeTraceKind.params[k].label ?? k} is ${from[k]}`).join(', ')} (wire rates from a Rate sequences node to use this node's own)`,
          unused[0],
        );
    }
    return { outputs: { image: {} } };
  },
});
