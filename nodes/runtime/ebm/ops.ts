/** Runtime implementations of the energy-based node kinds, keyed by kind id, with the STDP simulations' (stdp-ops.ts). */
import type { JsonObject } from '../../core/json.ts';
import { fieldsPicture, type Picture, weightTilesPicture } from '../png.ts';
import { loadFromPath, SAVED_FILE, saveToOutDir } from '../saved-files.ts';
import { type OpImpl, type OpTable, type RunContext, StopRequested, UserError } from '../op.ts';
import { asDataset, type EbmDataset } from './data.ts';
import { PersistentStates, type LrSchedule, type Readout, type RuleSpec, evaluate, train } from './eqprop.ts';
import {
  type Activation,
  type DynamicsSpec,
  type EbmNetwork,
  clampInput,
  disposeAll,
  energy,
  initNetwork,
  oneHot,
  outputCost,
  relax,
  zeroStates,
} from './network.ts';
import { BLUE, GRAY, GREEN, type PlotSeries, plotPng, RED, type Rgb } from './plot.ts';
import { earlyInferenceProbe } from './probe.ts';
import { networkJson, readNetwork } from './weights.ts';
import { stdpOps } from './stdp-ops.ts';

const P = <T>(params: JsonObject, k: string): T => params[k] as T;

function asNetwork(v: unknown, ctx: RunContext, port: string): EbmNetwork {
  const n = v as Partial<EbmNetwork> | undefined;
  if (!n || n.type !== 'ebm.network') throw new UserError(`input ${port} did not receive an energy-based network`, ctx.step.node);
  return n as EbmNetwork;
}

/**
 * The network on `port`, checked against the data it is to run on: as many input units as an example has values,
 * as many output units as the data has classes (a network saved for other data, read back by Load network).
 */
function asNetworkFor(v: unknown, data: EbmDataset, ctx: RunContext, port: string, dataPort = 'data'): EbmNetwork {
  const net = asNetwork(v, ctx, port);
  const inputs = net.sizes[0];
  const outputs = net.sizes[net.sizes.length - 1];
  if (inputs !== data.inputSize)
    throw new UserError(`the network on ${port} takes ${inputs} inputs, but the examples on ${dataPort} have ${data.inputSize} values each`, ctx.step.node);
  if (outputs !== data.classes)
    throw new UserError(`the network on ${port} has ${outputs} output units, but the data on ${dataPort} has ${data.classes} classes (one output unit each)`, ctx.step.node);
  return net;
}

function asDynamics(v: unknown, ctx: RunContext, port: string): DynamicsSpec {
  const d = v as Partial<DynamicsSpec> | undefined;
  if (!d || d.type !== 'ebm.dynamics') throw new UserError(`input ${port} did not receive dynamics settings`, ctx.step.node);
  return d as DynamicsSpec;
}


const network: OpImpl = async (ctx, inputs, params) => {
  const sizes = P<number[]>(params, 'sizes').slice();
  if (inputs.data !== undefined) {
    const d = asDataset(inputs.data, ctx.step.node, 'data');
    if (d.inputSize !== sizes[0]) sizes[0] = d.inputSize;
  }
  const net = initNetwork(ctx.tf, sizes, P<Activation>(params, 'activation'), {
    init: P(params, 'init'),
    scale: P<number>(params, 'init_scale'),
    bias: P<number>(params, 'bias_init'),
    seed: ctx.nextSeed,
  });
  return { network: net };
};

const saveNetwork: OpImpl = async (ctx, inputs, params) => {
  const net = asNetwork(inputs.network, ctx, 'network');
  await saveToOutDir(ctx, SAVED_FILE['ebm.save']!(params), 'network', () => networkJson(net));
  return {};
};

const loadNetwork: OpImpl = async (ctx, _inputs, params) => ({
  network: await loadFromPath(ctx, P<string>(params, 'path'), (full) => readNetwork(ctx.tf, full)),
});

const langevin: OpImpl = async (_ctx, _inputs, params) => {
  const d: DynamicsSpec = {
    type: 'ebm.dynamics',
    epsilon: P(params, 'epsilon'),
    sigma: P(params, 'sigma'),
    steps: P(params, 'steps'),
    form: P(params, 'form'),
  };
  return { dynamics: d };
};

const nudge: OpImpl = async (ctx, inputs, params) => {
  const d = asDynamics(inputs.dynamics, ctx, 'dynamics');
  const out: DynamicsSpec = {
    ...d,
    steps: P(params, 'steps'),
    nudge: { beta: P(params, 'beta'), randomSign: P(params, 'random_sign'), cost: P(params, 'cost'), clamp: P<string>(params, 'mode') === 'clamp' },
  };
  return { dynamics: out };
};

const rule =
  (form: RuleSpec['form']): OpImpl =>
  async (_ctx, _inputs, params) => {
    const r: RuleSpec = {
      type: 'ebm.rule',
      form,
      lrs: P<number[]>(params, 'lrs'),
      direction: form === 'stdp' ? P(params, 'direction') : 'both',
      centered: form === 'eqprop' && P<boolean>(params, 'centered') === true,
    };
    return { rule: r };
  };

/** A training error averaged over fewer examples is too noisy to draw. */
const LIVE_MIN_EXAMPLES = 1000;

const trainOp: OpImpl = async (ctx, inputs, params) => {
  const tf = ctx.tf;
  const data = asDataset(inputs.data, ctx.step.node, 'data');
  const net0 = asNetworkFor(inputs.network, data, ctx, 'network');
  const free = asDynamics(inputs.free, ctx, 'free');
  const nudged = asDynamics(inputs.nudged, ctx, 'nudged');
  const r = inputs.rule as RuleSpec;
  const valid = inputs.valid !== undefined ? asDataset(inputs.valid, ctx.step.node, 'valid') : undefined;
  if (r.lrs.length !== net0.W.length)
    throw new UserError(`the rule has ${r.lrs.length} learning rate${r.lrs.length === 1 ? '' : 's'} but the network has ${net0.W.length} weight matri${net0.W.length === 1 ? 'x' : 'ces'}`, ctx.step.node);
  const epochs = ctx.options.epochs ?? P<number>(params, 'epochs');
  const batchSize = P<number>(params, 'batch_size');
  const net = net0.clone();
  const t0 = performance.now();
  let lastReport = 0;
  const readout = P<Readout>(params, 'readout');
  const mode = P<'from_zero' | 'persistent' | 'both'>(params, 'valid_states');
  const validName = P<string>(params, 'valid_metric') || 'valid_error';
  // (Named by the node: a second trainer in the graph records its own series.)
  const trainName = P<string | undefined>(params, 'train_metric') || 'train_error';
  const costName = P<string | undefined>(params, 'train_cost_metric') || 'train_cost';
  // The validation series: from stored states and/or from zero, each with its error by argmax of the states beside it.
  const zeroName = mode === 'both' ? P<string>(params, 'valid_zero_metric') || 'valid_error_zero' : validName;
  const nFields = Math.min(P<number | undefined>(params, 'fields') ?? 0, net0.sizes[1]);
  const initialW0 = nFields > 0 ? net0.read().W[0] : undefined;
  const trainErrors: number[] = [];
  const trainCosts: number[] = [];
  /** Examples per second so far: what a run stopped mid-training reports. */
  let lastRate = 0;
  /** Where training is: the epoch (0-based) and the minibatches of it done; a stop hands on the network as trained so far. */
  let at = { epoch: 0, batch: 0, batches: Math.ceil(data.n / batchSize) };
  const validSeries = valid
    ? [
        ...(mode !== 'from_zero' ? [{ name: validName, states: new PersistentStates(net0.sizes, valid.n, 'validation examples', 'set valid_states to from_zero'), steps: free.steps }] : []),
        ...(mode !== 'persistent' ? [{ name: zeroName, states: undefined, steps: P<number>(params, 'valid_steps') }] : []),
      ].map((v) => ({ ...v, error: [] as number[], byState: [] as number[] }))
    : [];
  const validCurves = (): [string, number[]][] =>
    validSeries.flatMap((s): [string, number[]][] => [[s.name, s.error], ...(readout === 'input' ? [[`${s.name}_by_state`, s.byState] as [string, number[]]] : [])]);
  const record = (trainError: number[], trainCost: number[]): void => {
    ctx.metric(trainName, trainError);
    ctx.metric(costName, trainCost);
    // each curve as far as the finished epochs (a stop during an epoch's validation leaves that epoch out)
    for (const [name, ys] of validCurves()) ctx.metric(name, ys.slice(0, trainErrors.length));
  };
  try {
    const res = await train(tf, net, data, {
      epochs,
      batchSize,
      persistent: P(params, 'persistent'),
      shuffle: P(params, 'shuffle'),
      lrSchedule: P<LrSchedule>(params, 'lr_schedule'),
      free,
      nudged,
      rule: r,
      readout,
      random: ctx.random,
      nextSeed: ctx.nextSeed,
      checkStop: ctx.checkStop,
      onBatch: (epoch, batch, batches, done, soFar) => {
        at = { epoch, batch, batches };
        const now = performance.now();
        if (now - lastReport < 250 && batch < batches) return;
        lastReport = now;
        const rate = done / ((now - t0) / 1000);
        lastRate = rate;
        const total = epochs * data.n;
        // The epoch's training error so far, drawn live between the end-of-epoch points (once it averages enough examples to mean something).
        const live = soFar.examples >= Math.min(LIVE_MIN_EXAMPLES, data.n) ? { metrics: { [trainName]: soFar.error, [costName]: soFar.cost } } : {};
        ctx.progress({ phase: 'train', epoch: epoch + 1, epochs, batch, batches, fraction: done / total, examplesPerSecond: rate, etaSeconds: (total - done) / rate, ...live });
      },
      onEpoch: async (epoch, m) => {
        const metrics: Record<string, number> = { [trainName]: m.trainError, [costName]: m.trainCost };
        for (const s of validSeries) {
          const v = await evaluate(tf, net, valid!, { ...free, steps: s.steps }, {
            batchSize: 500,
            cost: nudged.nudge!.cost,
            readout,
            seed: ctx.nextSeed,
            checkStop: ctx.checkStop,
            ...(s.states ? { states: s.states } : {}),
          });
          s.error.push(v.error);
          s.byState.push(v.errorByState);
          metrics[s.name] = v.error;
          if (readout === 'input') metrics[`${s.name}_by_state`] = v.errorByState;
        }
        ctx.log(`epoch ${epoch + 1}/${epochs}: ${Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')} (${m.seconds.toFixed(1)} s)`);
        ctx.progress({ phase: 'train', epoch: epoch + 1, epochs, fraction: (epoch + 1) / epochs, metrics });
        // The pictures, redrawn every epoch so a run shows them as it learns.
        trainErrors.push(m.trainError);
        trainCosts.push(m.trainCost);
        await ctx.image(`${ctx.step.node}_learning_curve`, learningCurvePng(trainErrors, validCurves()), 480, 320);
        if (initialW0) {
          const pic = fieldsPicture(net.read().W[0], net.sizes[0], net.sizes[1], nFields, initialW0);
          await ctx.image(`${ctx.step.node}_fields`, pic.png, pic.width, pic.height);
        }
      },
    });
    record(res.trainError, res.trainCost);
    ctx.reportTrainThroughput(res.examplesPerSecond);
    return { network: net, train_error: res.trainError };
  } catch (e) {
    if (lastRate > 0) ctx.reportTrainThroughput(lastRate);
    // Stopped after some epochs: the run keeps what they measured (the training error and cost, the curves, so far).
    if (e instanceof StopRequested && trainErrors.length > 0) record(trainErrors, trainCosts);
    if (e instanceof StopRequested && !e.partly)
      throw new StopRequested({ outputs: { network: net, train_error: trainErrors }, at: { epoch: at.epoch + 1, epochs, batch: at.batch, batches: at.batches } });
    net.dispose();
    throw e;
  }
};

/** Error (%) per epoch: the training error at the free fixed points in black, then each validation series. */
function learningCurvePng(trainError: number[], valid: [string, number[]][]): Buffer {
  const epochs = trainError.map((_, i) => i + 1);
  const colors: Rgb[] = [BLUE, RED, GREEN, GRAY];
  return plotPng({
    series: [
      { x: epochs, y: trainError.map((v) => 100 * v), color: [0, 0, 0], mode: 'both', label: 'training (free fixed points)' },
      ...valid.map(([name, ys], i): PlotSeries => ({ x: epochs, y: ys.map((v) => 100 * v), color: colors[i % colors.length], mode: 'both', label: name })),
    ],
    xRange: [0.5, trainError.length + 0.5],
    xIntegers: true,
    xLabel: 'epoch',
    yLabel: 'error (%)',
  });
}

const evaluateOp: OpImpl = async (ctx, inputs, params) => {
  const data = asDataset(inputs.data, ctx.step.node, 'data');
  const net = asNetworkFor(inputs.network, data, ctx, 'network');
  const dyn = asDynamics(inputs.dynamics, ctx, 'dynamics');
  const steps = P<number>(params, 'steps') || dyn.steps;
  const readout = P<Readout>(params, 'readout');
  const res = await evaluate(ctx.tf, net, data, { ...dyn, steps }, {
    batchSize: P(params, 'batch_size'),
    cost: P(params, 'cost'),
    readout,
    seed: ctx.nextSeed,
    checkStop: ctx.checkStop,
    onBatch: (done) => ctx.progress({ phase: 'evaluate', fraction: done / data.n }),
  });
  const name = P<string>(params, 'metric');
  ctx.metric(name, res.error);
  ctx.metric(`${name}_cost`, res.cost);
  ctx.metric(`${name}_ties`, res.ties);
  if (readout === 'input') ctx.metric(`${name}_by_state`, res.errorByState);
  // Each metric by its name and value as summary.json and the Run tab have it (a fraction, as the epoch lines show them).
  const byState = readout === 'input' ? `, ${name}_by_state ${res.errorByState.toFixed(4)} (by argmax of the output states)` : '';
  ctx.log(
    `${name} ${res.error.toFixed(4)} (${res.wrong} of ${data.n} wrong; ${steps} relaxation step${steps === 1 ? '' : 's'}, ${readout} readout), ${name}_ties ${res.ties.toFixed(4)} (with tied output states)${byState}`,
  );
  return { error: res.error };
};

const relaxOp: OpImpl = async (ctx, inputs, params) => {
  const tf = ctx.tf;
  const data = asDataset(inputs.data, ctx.step.node, 'data');
  const net = asNetworkFor(inputs.network, data, ctx, 'network');
  const dyn = asDynamics(inputs.dynamics, ctx, 'dynamics');
  const n = Math.min(P<number>(params, 'examples'), data.n);
  const L = net.sizes.length - 1;
  const x = tf.tensor2d(data.images.subarray(0, n * data.inputSize), [n, data.inputSize]);
  const target = oneHot(tf, data.labels.subarray(0, n), net.sizes[L]);
  const clamp = clampInput(tf, net, x);
  const beta = dyn.nudge ? dyn.nudge.beta : 0;
  const measure = (s: ReturnType<typeof zeroStates>): number =>
    tf.tidy(() => {
      let e = energy(tf, net, clamp, s) as ReturnType<typeof energy>;
      if (dyn.nudge && beta && !dyn.nudge.clamp) e = tf.add(e, tf.mul(outputCost(tf, dyn.nudge.cost, s[L - 1], target), beta));
      return tf.mean(e).dataSync()[0];
    });
  const init = zeroStates(tf, net, n);
  const trace = [measure(init)];
  const end = relax(tf, net, clamp, dyn, init, dyn.steps, { beta, target, seed: ctx.nextSeed }, (t, s) => {
    trace.push(measure(s));
    if (t % 50 === 0) ctx.progress({ phase: 'relax', fraction: (t + 1) / dyn.steps });
  });
  disposeAll(end);
  disposeAll(init);
  clamp.dispose();
  target.dispose();
  x.dispose();
  let rise = 0;
  for (let i = 1; i < trace.length; i++) rise = Math.max(rise, trace[i] - trace[i - 1]);
  const name = P<string>(params, 'metric');
  ctx.metric(name, trace);
  ctx.metric(`${name}_max_rise`, rise);
  return { energy: trace };
};

/**
 * Why backprop's gradient to hidden layer `h` (counted from the input; free layer h − 1) is zero, from where the error
 * stops on its way down on each probed example (ProbeResult.stops: free-layer indices, L − 1 the outputs, −1 none).
 */
function noErrorWarning(h: number, L: number, stops: { layer: number; examples: number }[], blocked: boolean[], deltaNorm: number): string {
  const head = `no error reaches hidden layer ${h} (counted from the input): `;
  const tail = `, so backprop's gradient there is zero (the nudged change has norm ${deltaNorm.toExponential(2)}) and the cosine is reported as 0.`;
  const saturatedAdvice = ' Large weights or biases saturate units (at 0 or 1); probe a network with smaller weights (init_scale) or other examples';
  const outputAdvice = ' A trained network does this on examples whose outputs it has saturated; probe other examples or a network earlier in training';
  // The layer nearest the output, at or above this one, that passes no error on any example stops all of it there
  // (the error flows down from the outputs); if there is none, each example is stopped somewhere: say where.
  let k = L - 1;
  while (k >= h - 1 && !blocked[k]) k--;
  if (k === L - 1) return `${head}every probed output unit sits at its target or is saturated (ρ' = 0 at the fixed point)${tail}${outputAdvice}`;
  if (k === h - 1) return `${head}every one of its units is saturated at the fixed point (ρ' = 0) on every probed example, so it takes none of the error from above${tail}${saturatedAdvice}`;
  if (k >= h) return `${head}every unit of hidden layer ${k + 1} is saturated at the fixed point (ρ' = 0) on every probed example, so the error from above stops there${tail}${saturatedAdvice}`;
  const where = stops
    .map(({ layer, examples: n }) => {
      const what =
        layer === L - 1 ? 'at the outputs (each at its target or saturated)' : layer < 0 ? 'at no one layer (between partly saturated layers)' : `at hidden layer ${layer + 1} (every unit saturated)`;
      return `${what} on ${n} example${n === 1 ? '' : 's'}`;
    })
    .join(', ');
  const advice = stops.some((x) => x.layer >= 0 && x.layer < L - 1) ? saturatedAdvice : outputAdvice;
  return `${head}on each probed example the error from above stops at a layer whose units all pass none: ${where}${tail}${advice}`;
}

const probeOp: OpImpl = async (ctx, inputs, params) => {
  const tf = ctx.tf;
  const data = asDataset(inputs.data, ctx.step.node, 'data');
  const net = asNetworkFor(inputs.network, data, ctx, 'network');
  const free = asDynamics(inputs.free, ctx, 'free');
  const nudged = asDynamics(inputs.nudged, ctx, 'nudged');
  const n = Math.min(P<number>(params, 'examples'), data.n);
  const L = net.sizes.length - 1;
  // The fixed point is found with σ = 0 whatever the dynamics say, but the k steps after the nudge run the nudged
  // dynamics as wired, noise included (common to the nudged and the free copy).
  if (nudged.sigma > 0)
    ctx.log(
      `the nudged dynamics have noise σ = ${nudged.sigma}: the k steps after the nudge add σ√ε·N(0,1) to both copies, and where the noise carries units across a kink of the activation (the clipping at 0 and 1) the copies part by far more than the nudge moves them, so Δs is mostly noise and the cosines say little (about 0.97 at σ = 0.001 on ebm-early-inference, about 0 at σ = 1). Set σ = 0 in the Langevin node wired to the Nudge node`,
      'warn',
    );
  // Early inference follows backprop's gradient only to first order in β. On ebm-early-inference (docs/results.md) the
  // cosines are 0.9999 at β = 0.001, 0.997 at 0.002, 0.985 at 0.005, 0.96 at 0.01 and 0.75 at 0.1: above 0.005 the
  // second-order part (units pushed across a kink of the hard sigmoid) is no longer small next to the signal.
  const betaLimit = 0.005;
  if (nudged.nudge && nudged.nudge.beta > betaLimit)
    ctx.log(
      `β = ${nudged.nudge.beta} is large for this comparison: early inference matches backprop's gradient only to first order in β, and above ${betaLimit} the cosines fall measurably below 1 from β itself (on ebm-early-inference 0.96 at β = 0.01, 0.75 at 0.1). Use a small β such as 0.001`,
      'warn',
    );
  const x = tf.tensor2d(data.images.subarray(0, n * data.inputSize), [n, data.inputSize]);
  try {
    const r = await earlyInferenceProbe(tf, net, x, data.labels.subarray(0, n), {
      free,
      nudged,
      settleSteps: P(params, 'settle_steps'),
      tolerance: P(params, 'tolerance'),
      seed: ctx.nextSeed,
      checkStop: ctx.checkStop,
    });
    const settled = r.residual <= P<number>(params, 'tolerance');
    if (!settled)
      ctx.log(`the free phase did not settle within ${r.settleSteps} steps (largest change per step ${r.residual.toExponential(2)}); the cosines compare against a state that is not a fixed point`, 'warn');
    if (nudged.steps < L) ctx.log(`with ${nudged.steps} nudged step${nudged.steps === 1 ? '' : 's'} the nudge has not reached the lowest ${L - nudged.steps} hidden layer${L - nudged.steps === 1 ? '' : 's'} yet (their cosine is 0)`, 'warn');
    r.gradNorm.forEach((g, i) => {
      if (g === 0) ctx.log(noErrorWarning(L - 1 - i, L, r.stops[i], r.blocked, r.deltaNorm[i]), 'warn');
    });
    const name = P<string>(params, 'metric');
    ctx.metric(name, r.cosine);
    ctx.log(`${name} (top hidden layer first): ${r.cosine.map((c) => c.toFixed(4)).join(', ')}; ${settled ? `fixed point after ${r.settleSteps} steps` : `free phase stopped after ${r.settleSteps} steps without settling`}`);
    return { cosine: r.cosine };
  } finally {
    x.dispose();
  }
};

const receptiveFieldsOp: OpImpl = async (ctx, inputs, params) => {
  const net = asNetwork(inputs.network, ctx, 'network');
  const [nIn, nHidden] = net.sizes;
  const width = P<number>(params, 'image_width');
  if (nIn % width !== 0) throw new UserError(`the visible layer has ${nIn} units, not a whole number of rows of ${width} pixels (image_width)`, ctx.step.node);
  const ref = inputs.reference === undefined ? undefined : asNetwork(inputs.reference, ctx, 'reference');
  if (ref && (ref.sizes[0] !== nIn || ref.sizes[1] !== nHidden))
    throw new UserError(`the reference network (${ref.sizes.join('-')}) does not match the network (${net.sizes.join('-')}) in its first two layers`, ctx.step.node);
  const tiles = { nIn, nUnits: nHidden, count: P<number>(params, 'count'), cols: P<number>(params, 'cols'), width, ...(ref ? { minus: ref.read().W[0] } : {}) };
  const image = weightTilesPicture(net.read().W[0], tiles);
  await ctx.image(P<string>(params, 'name'), image.png, image.width, image.height);
  return { image };
};

export const ebmOps: OpTable = {
  ...stdpOps,
  'ebm.network': network,
  'ebm.save': saveNetwork,
  'ebm.load': loadNetwork,
  'ebm.langevin': langevin,
  'ebm.nudge': nudge,
  'ebm.eqprop_rule': rule('eqprop'),
  'ebm.stdp_rule': rule('stdp'),
  'ebm.eqprop_train': trainOp,
  'ebm.evaluate': evaluateOp,
  'ebm.relax': relaxOp,
  'ebm.early_inference_probe': probeOp,
  'ebm.receptive_fields': receptiveFieldsOp,
};
