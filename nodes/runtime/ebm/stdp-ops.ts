/** Runtime implementations of the spike-timing node kinds (stdp.*): simulations with plain typed arrays, and their plots. */
import type { JsonObject } from '../../core/json.ts';
import type { Picture } from '../png.ts';
import { type OpImpl, type OpTable, type RunContext, UserError } from '../op.ts';
import { BLUE, GRAY, GREEN, plotPng, RED, stackPngs } from './plot.ts';
import { type RateSequences, linearFit, liveliestSequence, neuronFig1, rateSequences, simulateStdp, spikeTrace } from './stdp.ts';

const P = <T>(params: JsonObject, k: string): T => params[k] as T;

function asSeries(v: unknown, ctx: RunContext, port: string): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new UserError(`input ${port} did not receive a series of numbers`, ctx.step.node);
  return v as number[];
}

/** JSON has no NaN: metrics get null-free arrays, so empty bins become 0 where a value is required. */
const finite = (xs: ArrayLike<number>): number[] => Array.from(xs, (x) => (Number.isFinite(x) ? x : 0));

/** At most this many rate values (sequences × steps): three float arrays of them take 0.8 GB. */
const MAX_RATE_VALUES = 2 ** 26;

const rateSeqOp: OpImpl = async (ctx, _inputs, params) => {
  const values = P<number>(params, 'sequences') * P<number>(params, 'steps');
  if (values > MAX_RATE_VALUES)
    throw new UserError(`sequences × steps is ${values.toLocaleString('en')} rate values, more than the ${MAX_RATE_VALUES.toLocaleString('en')} this node allows (they would take ${((values * 12) / 2 ** 30).toFixed(0)} GB); use fewer sequences or steps`, ctx.step.node);
  const rates = rateSequences({
    count: P(params, 'sequences'),
    steps: P(params, 'steps'),
    slopeSd: P(params, 'slope_sd'),
    bendSd: P(params, 'bend_sd'),
    preSd: P(params, 'pre_sd'),
    seed: ctx.nextSeed(),
  });
  return { rates };
};

/** The spike settings a node's parameters give (Spike trains' and Example spike sequence's own). */
const spikeSettings = (params: JsonObject): NonNullable<RateSequences['settings']> => ({
  window: P(params, 'window'),
  tau: P(params, 'tau'),
  preMaxProb: P(params, 'pre_max_prob'),
  postMaxProb: P(params, 'post_max_prob'),
  coincident: P(params, 'coincident'),
});

const simulateOp: OpImpl = async (ctx, inputs, params) => {
  const rates = inputs.rates as RateSequences;
  if (!rates || rates.type !== 'stdp.rates') throw new UserError('input rates did not receive rate sequences', ctx.step.node);
  const res = await simulateStdp(
    rates,
    { ...spikeSettings(params), trains: P(params, 'trains'), rateSpikes: P(params, 'rate_spikes'), seed: ctx.nextSeed() },
    async (done) => {
      if (done % 10 === 0 || done === rates.count) {
        ctx.progress({ phase: 'simulate', fraction: done / rates.count });
        await ctx.checkStop();
      }
    },
  );
  ctx.log(`${res.preSpikes} presynaptic spikes, ${res.paired} paired with a nearest postsynaptic spike (the others skipped by STDP)`);
  const trains: RateSequences = { ...rates, settings: spikeSettings(params) };
  return {
    rate_dw: Array.from(res.rateDw),
    stdp_dw: Array.from(res.stdpDw),
    curve: Array.from(res.curveRate),
    stdp_curve: Array.from(res.curveStdp),
    trains,
  };
};


/** Paper 2, Fig. 3: one pair of spike trains, the postsynaptic activity, and the weight each rule accumulates over time. */
const spikeTraceOp: OpImpl = async (ctx, inputs, params) => {
  const rates = inputs.rates as RateSequences;
  if (!rates || rates.type !== 'stdp.rates') throw new UserError('input rates did not receive rate sequences', ctx.step.node);
  const chosen = P<number>(params, 'sequence');
  if (chosen >= rates.count) throw new UserError(`there are ${rates.count} sequences, so sequence ${chosen} does not exist`, ctx.step.node);
  // From a Spike trains node, its settings (the kind's compile warns of own ones left unused).
  const tr = spikeTrace(rates, chosen < 0 ? liveliestSequence(rates) : chosen, { ...(rates.settings ?? spikeSettings(params)), seed: ctx.nextSeed() });
  const t = Array.from(tr.postRate, (_, i) => i);
  const spikesAt = (spikes: Uint8Array, y: number) => {
    const on = t.filter((i) => spikes[i]);
    return { x: on, y: on.map(() => y) };
  };
  const xRange: [number, number] = [0, rates.steps - 1];
  const width = 640;
  const panels = [
    plotPng({
      width,
      height: 220,
      xRange,
      yRange: [-0.2, 1.2],
      // No legend: it would hide spikes. The label says which is which.
      yLabel: `sequence ${tr.sequence}: ρ_i (green; its spikes above), ρ_j (blue; its spikes below)`,
      series: [
        { x: t, y: tr.preRate, color: GREEN, mode: 'line' },
        { x: t, y: tr.postRate, color: BLUE, mode: 'line' },
        { ...spikesAt(tr.preSpike, 1.1), color: GREEN, mode: 'points', radius: 2.5 },
        { ...spikesAt(tr.postSpike, -0.1), color: BLUE, mode: 'points', radius: 2.5 },
      ],
    }),
    plotPng({ width, height: 180, xRange, yLabel: 'W − W(0), rate rule Σ S_i Δρ_j', series: [{ x: t, y: tr.wRate, color: RED, mode: 'line' }] }),
    plotPng({ width, height: 200, xRange, xLabel: 't (steps)', yLabel: 'W − W(0), nearest-neighbour STDP', series: [{ x: t, y: tr.wStdp, color: GRAY, mode: 'line' }] }),
  ];
  const name = P<string>(params, 'name');
  const rateDw = tr.wRate[tr.wRate.length - 1];
  const stdpDw = tr.wStdp[tr.wStdp.length - 1];
  ctx.metric(`${name}_rate_dw`, rateDw);
  ctx.metric(`${name}_stdp_dw`, stdpDw);
  const spikes = (s: Uint8Array) => s.reduce((a, v) => a + v, 0);
  ctx.log(
    `sequence ${tr.sequence}: ${spikes(tr.preSpike)} presynaptic spikes (${tr.paired} paired by STDP), ${spikes(tr.postSpike)} postsynaptic; ΔW ${rateDw.toFixed(4)} by the rate rule, ${stdpDw.toFixed(4)} by STDP`,
  );
  const image: Picture = stackPngs(panels);
  await ctx.image(name, image.png, image.width, image.height);
  return { image };
};

const compareOp: OpImpl = async (ctx, inputs, params) => {
  const x = asSeries(inputs.x, ctx, 'x');
  const y = asSeries(inputs.y, ctx, 'y');
  if (x.length !== y.length) throw new UserError(`x has ${x.length} values but y has ${y.length}`, ctx.step.node);
  const fit = linearFit(x, y);
  ctx.metric(P(params, 'r_metric'), fit.r);
  ctx.metric(P(params, 'slope_metric'), fit.slope);
  ctx.log(`Pearson r ${fit.r.toFixed(4)}, slope ${fit.slope.toFixed(4)} over ${x.length} points`);
  const png = plotPng({
    series: [{ x, y, color: BLUE, mode: 'points' }],
    lines: [{ intercept: fit.intercept, slope: fit.slope, color: RED, label: `least squares: slope ${fit.slope.toFixed(2)}, r ${fit.r.toFixed(3)}` }],
    xLabel: P(params, 'x_label'),
    yLabel: P(params, 'y_label'),
  });
  const image: Picture = { png, width: 480, height: 320 };
  await ctx.image(P(params, 'image_name'), image.png, image.width, image.height);
  return { r: fit.r, slope: fit.slope, image };
};

const fig1Op: OpImpl = async (ctx, _inputs, params) => {
  const trials = P<number>(params, 'trials');
  const res = await neuronFig1(
    {
      trials,
      window: P(params, 'window'),
      threshold: P(params, 'threshold'),
      range: P(params, 'v_range'),
      slopeSd: P(params, 'slope_sd'),
      noise: P(params, 'noise'),
      rate: P(params, 'rate'),
      seed: ctx.nextSeed(),
    },
    async (done) => {
      ctx.progress({ phase: 'simulate', fraction: done / trials });
      await ctx.checkStop();
    },
  );
  ctx.log(`${res.used} of ${trials} trials had the post spike within the window`);
  return { curve: Array.from(res.curve) };
};

const curvePlotOp: OpImpl = async (ctx, inputs, params) => {
  const y = asSeries(inputs.curve, ctx, 'curve');
  const x0 = P<number>(params, 'x_start');
  const dx = P<number>(params, 'x_step');
  const xs = y.map((_, i) => x0 + i * dx);
  const series: Parameters<typeof plotPng>[0]['series'] = [];
  if (inputs.reference !== undefined) {
    const ref = asSeries(inputs.reference, ctx, 'reference');
    const r0 = P<number>(params, 'ref_x_start');
    series.push({ x: ref.map((_, i) => r0 + i * dx), y: ref, color: GRAY, mode: 'both', label: P<string>(params, 'reference_label') || undefined });
  }
  series.push({ x: xs, y, color: BLUE, mode: 'both', label: P<string>(params, 'label') || undefined });
  if (P<boolean>(params, 'normalize'))
    for (const s of series) {
      const m = Math.max(...Array.from(s.y).filter(Number.isFinite).map(Math.abs));
      if (m > 0) s.y = Array.from(s.y, (v) => v / m);
    }
  const name = P<string>(params, 'name');
  const keep = y.map((v, i) => i).filter((i) => Number.isFinite(y[i]));
  ctx.metric(`${name}_dt`, keep.map((i) => xs[i]));
  ctx.metric(`${name}_dw`, finite(keep.map((i) => y[i])));
  // The curve's two sides where they are strongest in STDP, next to ΔT = 0, as figures a run list or sweep compares:
  // ΔW for post after pre (the smallest ΔT > 0 with data) and for post before pre (the largest ΔT < 0); NaN without.
  const after = keep.find((i) => xs[i] > 0);
  const before = keep.filter((i) => xs[i] < 0).at(-1);
  ctx.metric(`${name}_ltp`, after === undefined ? Number.NaN : y[after]);
  ctx.metric(`${name}_ltd`, before === undefined ? Number.NaN : y[before]);
  const image: Picture = { png: plotPng({ series, xLabel: P(params, 'x_label'), yLabel: P(params, 'y_label') }), width: 480, height: 320 };
  await ctx.image(name, image.png, image.width, image.height);
  return { image };
};

export const stdpOps: OpTable = {
  'stdp.rate_sequences': rateSeqOp,
  'stdp.simulate': simulateOp,
  'stdp.spike_trace': spikeTraceOp,
  'stdp.compare_rules': compareOp,
  'stdp.neuron_fig1': fig1Op,
  'stdp.curve_plot': curvePlotOp,
};
