/**
 * Runtime of the Bengio et al. 2015 node kinds: each kind id mapped to the code that runs it.
 * Values on wires: dataset = Dataset; model = HierarchicalModel; inference = InferenceSpec;
 * corruption = { layer, spec }; prior = TopPrior (DiagonalGaussian or GaussianMixture); samples = Samples; metric = number;
 * series = number[]; image = Picture. Layers and decoders carry no runtime value (they are
 * architecture, resolved by the compiler into the model step's params).
 */
import type * as TF from '@tensorflow/tfjs';
import { resolve } from 'node:path';
import type { JsonObject } from '../../core/json.ts';
import { MnistData } from '../../kinds/b15/data-mnist.ts';
import { Hierarchy } from '../../kinds/b15/model.ts';
import { LoadModel, SaveModel } from '../../kinds/b15/model-io.ts';
import { Encoder } from '../../kinds/b15/encoder.ts';
import { Decoder } from '../../kinds/b15/decoder.ts';
import { GaussianCorruption } from '../../kinds/b15/corrupt-gaussian.ts';
import { SpikeCorruption } from '../../kinds/b15/corrupt-spike.ts';
import { MaskCorruption } from '../../kinds/b15/corrupt-mask.ts';
import { Inference } from '../../kinds/b15/inference.ts';
import { LocalTrain } from '../../kinds/b15/train-local.ts';
import { GaussianPrior } from '../../kinds/b15/prior.ts';
import { DirectedSample } from '../../kinds/b15/sample-directed.ts';
import { ChainSample } from '../../kinds/b15/sample-chain.ts';
import { JdaeSample } from '../../kinds/b15/sample-jdae.ts';
import { DatasetSample } from '../../kinds/b15/sample-dataset.ts';
import { Parzen } from '../../kinds/b15/eval-parzen.ts';
import { LogpTrace } from '../../kinds/b15/eval-logp.ts';
import { Reconstruction } from '../../kinds/b15/eval-reconstruction.ts';
import { Inpaint } from '../../kinds/b15/eval-inpaint.ts';
import { ImageGridOut, ImageOut, MetricOut, SeriesOut } from '../../kinds/b15/outputs.ts';
import { Filters } from '../../kinds/b15/filters.ts';
import { DataError, type Split, loadMnist, nodeDataDir, splitTrainValid, takeFirst } from '../data/mnist.ts';
import type { OpTable, RunContext } from '../op.ts';
import { StopRequested, UserError } from '../op.ts';
import { fieldsPicture, type Picture, imageGridPng, imageGridSize, weightTilesPicture } from '../png.ts';
import type { CorruptionSpec } from './corruption.ts';
import { readWeights, weightsJson } from './weights.ts';
import { loadFromPath, SAVED_FILE, saveToOutDir } from '../saved-files.ts';
import { MIXTURE_ITERATIONS, MIXTURE_RIDGE, type TopPrior, fitMixture } from './mixture.ts';
import { corrupt, randomMask } from './corruption.ts';
import { type InferenceSpec, infer, logJointSum } from './inference.ts';
import { type ArchitectureSpec, HierarchicalModel, type ModuleSpec, type OptimizerName } from './model.ts';
import { parzenEvaluate } from './parzen.ts';
import { directedSample, fitPrior, generateChain, jdaeChain, topLayer } from './sample.ts';
import { type Dataset, LocalTrainer, gatherRows, permutation } from './train.ts';

export interface DatasetValue extends Dataset {
  labels: Uint8Array;
  name: string;
}

/** The model on `i.model`, checked to take the examples of `data` (a model read back by Load weights may not). */
function modelFor(i: Record<string, unknown>, data: DatasetValue, ctx: RunContext): HierarchicalModel {
  const model = i.model as HierarchicalModel;
  const visible = model.arch.sizes[0];
  if (visible !== data.dim) throw new UserError(`the model takes ${visible} inputs (x), but the examples on data have ${data.dim} values each`, ctx.step.node);
  return model;
}

export class Samples {
  constructor(readonly x: TF.Tensor2D) {}
  dispose(): void {
    this.x.dispose();
  }
}

export interface CorruptionValue {
  layer: number;
  spec: CorruptionSpec;
}

const num = (p: JsonObject, k: string): number => p[k] as number;
const cap = (n: number, limit: number | undefined): number => (limit && limit > 0 ? Math.min(n, limit) : n);

function toDataset(d: Split, name: string): DatasetValue {
  return { images: d.images, labels: d.labels, n: d.n, dim: 784, name };
}

const dataOp = async (ctx: RunContext, _i: Record<string, unknown>, p: JsonObject) => {
  // The command line's --data-dir wins over the folder saved in the graph: a graph saved on one machine runs on another.
  const nodeDir = p.dataDir ? nodeDataDir(p.dataDir as string, ctx.options.baseDir) : '';
  const dir = ctx.options.dataDir ? resolve(ctx.options.dataDir) : nodeDir;
  if (ctx.options.dataDir && nodeDir && nodeDir !== dir)
    ctx.log(`reading the digits from --data-dir ${ctx.options.dataDir}, not from the folder this node names (${p.dataDir as string})`, 'warn');
  let data;
  try {
    data = await loadMnist(dir ? { dir } : {});
  } catch (e) {
    if (e instanceof DataError) throw new UserError(e.message, ctx.step.node);
    throw e;
  }
  ctx.log(data.description);
  let validCount = num(p, 'validCount');
  const maxValid = Math.floor(data.train.n / 6);
  if (validCount > maxValid) {
    ctx.log(
      `validCount ${validCount} is more than a sixth of the ${data.train.n} training digits: ${maxValid} are held out for validation and ${data.train.n - maxValid} left for training (validCount 0 trains on all)`,
    );
    validCount = maxValid;
  }
  const split = splitTrainValid(data.train, validCount);
  const trainN = cap(cap(split.train.n, num(p, 'trainLimit')), ctx.options.trainLimit);
  const testN = cap(cap(data.test.n, num(p, 'testLimit')), ctx.options.testLimit);
  // A limit above what the data has uses all of it; said, since the run's limits are shown as asked ("up to 10000 training").
  for (const [what, have, limits] of [
    ['training', split.train.n, [num(p, 'trainLimit'), ctx.options.trainLimit ?? 0]],
    ['test', data.test.n, [num(p, 'testLimit'), ctx.options.testLimit ?? 0]],
  ] as const) {
    const asked = Math.min(...limits.filter((n) => n > 0));
    if (Number.isFinite(asked) && asked > have)
      ctx.log(`a limit of ${asked.toLocaleString('en-US')} ${what} digits is more than the ${have.toLocaleString('en-US')} there are: all ${have.toLocaleString('en-US')} are used`);
  }
  ctx.reportData({ source: data.source, ...(dir ? { dir } : {}), train: trainN, valid: split.valid.n, test: testN });
  return {
    train: toDataset(takeFirst(split.train, trainN), 'train'),
    valid: toDataset(split.valid, 'valid'),
    test: toDataset(takeFirst(data.test, testN), 'test'),
    x: null,
  };
};

export function architectureFrom(p: JsonObject): ArchitectureSpec {
  const a = p.architecture as unknown as { sizes: number[]; encoders: ModuleSpec[]; decoders: ModuleSpec[] };
  return { sizes: a.sizes, encoders: a.encoders, decoders: a.decoders };
}

export function inferenceFrom(p: JsonObject): InferenceSpec {
  return { method: p.method as 'targetprop' | 'exact', steps: num(p, 'steps'), delta: num(p, 'delta'), alpha: num(p, 'alpha'), noise: num(p, 'noise') };
}

const trainOp = async (ctx: RunContext, i: Record<string, unknown>, p: JsonObject) => {
  const tf = ctx.tf;
  const data = i.data as DatasetValue;
  const model = modelFor(i, data, ctx).clone(ctx.nextSeed());
  const corruption: Record<number, CorruptionSpec> = {};
  for (const c of (i.corruption as CorruptionValue[] | undefined) ?? []) corruption[c.layer] = c.spec;
  const epochs = ctx.options.epochs ?? num(p, 'epochs');
  const bs = Math.min(num(p, 'batchSize'), data.n);
  const [nIn, nH1] = model.arch.sizes;
  const nFields = Math.min((p.fields as number | undefined) ?? 0, nH1);
  if (nFields > 0 && !Number.isInteger(Math.sqrt(nIn))) {
    model.dispose();
    throw new UserError(`fields draws the filters as square tiles, but x has ${nIn} values, not a square number; set fields to 0`, ctx.step.node);
  }
  const trainer = new LocalTrainer(tf, model, {
    epochs,
    batchSize: bs,
    optimizer: p.optimizer as OptimizerName,
    lr: num(p, 'lr'),
    warmupBatches: num(p, 'warmupBatches'),
    inference: i.inference as InferenceSpec,
    corruption,
  });
  const batches = Math.floor(data.n / bs);
  const total = epochs * batches;
  const warmup = num(p, 'warmupBatches');
  if (total > 0 && total <= warmup)
    ctx.log(
      `all ${total} minibatches of this run are warm-up (warmupBatches ${warmup}), which trains on feedforward targets: the inference loop (the E-step) is never used for training; train on more digits or lower warmupBatches`,
      'warn',
    );
  const t0 = performance.now();
  let done = 0;
  // Losses are averaged over fixed blocks of minibatches, so the same seed gives the same numbers
  // on a fast or a slow machine; progress (speed, ETA) is reported about once a second.
  const lossEvery = Math.min(50, batches);
  let last = { time: t0, done: 0 };
  let rate = 0;
  /** Where training is: the epoch (0-based) and the minibatches of it done; a stop hands on the model as trained so far. */
  let at = { epoch: 0, batch: 0 };
  // Each module's mean local loss per finished epoch, recorded as a metric under its progress name (loss_f1 …), in
  // module order (f1, g1, f2, g2 …); the blocks' means weighted by their minibatches, summed over the epoch.
  const lossNames = model.f.flatMap((f, l) => [f.spec.node, model.g[l]!.spec.node]).map((m) => `loss_${m}`);
  const epochLosses = new Map<string, number[]>(lossNames.map((n) => [n, []]));
  let epochSums = new Map<string, number>();
  const recordLosses = (): void => {
    for (const [name, ys] of epochLosses) if (ys.length) ctx.metric(name, ys);
  };
  try {
    for (let e = 0; e < epochs; e++) {
      const order = permutation(data.n, () => ctx.random());
      for (let b = 0; b < batches; b++) {
        at = { epoch: e, batch: b };
        await ctx.checkStop();
        const x = gatherRows(tf, data, order, b * bs, bs);
        trainer.step(x, ctx.nextSeed());
        x.dispose();
        done++;
        const lossesDue = (b + 1) % lossEvery === 0 || b === batches - 1;
        const now = performance.now();
        if (!lossesDue && now - last.time < 1000) continue;
        const losses = lossesDue ? Object.fromEntries(Object.entries(trainer.takeLosses()).map(([k, v]) => [`loss_${k}`, v])) : null;
        // this block's minibatches: from the last multiple of lossEvery in the epoch to b
        if (losses) for (const [k, v] of Object.entries(losses)) epochSums.set(k, (epochSums.get(k) ?? 0) + v * (b + 1 - Math.floor(b / lossEvery) * lossEvery));
        const recent = ((done - last.done) * bs) / ((performance.now() - last.time) / 1000);
        rate = rate ? 0.7 * rate + 0.3 * recent : recent;
        last = { time: performance.now(), done };
        ctx.progress({
          phase: 'train',
          epoch: e + 1,
          epochs,
          batch: b + 1,
          batches,
          fraction: done / total,
          examplesPerSecond: rate,
          etaSeconds: ((total - done) * bs) / rate,
          ...(losses ? { metrics: losses } : {}),
        });
        if (losses && Object.values(losses).some((v) => !Number.isFinite(v)))
          throw new UserError('training diverged (a local loss became NaN or infinite); lower the learning rates or the inference step delta', ctx.step.node);
      }
      for (const [name, ys] of epochLosses) ys.push((epochSums.get(name) ?? 0) / batches);
      epochSums = new Map();
      if (nFields > 0) {
        // Redrawn every epoch, so a run shows the filters forming.
        const pic = fieldsPicture(model.f[0].W.dataSync(), nIn, nH1, nFields);
        await ctx.image(`${ctx.step.node}_fields`, pic.png, pic.width, pic.height);
      }
    }
    recordLosses();
  } catch (e) {
    // Stopped after some epochs: the run keeps their losses.
    if (e instanceof StopRequested) recordLosses();
    if (e instanceof StopRequested && !e.partly) throw new StopRequested({ outputs: { model }, at: { epoch: at.epoch + 1, epochs, batch: at.batch, batches } });
    model.dispose();
    throw e;
  } finally {
    trainer.dispose();
    // A run stopped mid-training still says how fast it trained.
    if (done > 0) ctx.reportTrainThroughput((done * bs) / ((performance.now() - t0) / 1000));
  }
  return { model };
};

const priorOp = async (ctx: RunContext, i: Record<string, unknown>, p: JsonObject) => {
  const data = i.data as DatasetValue;
  const model = modelFor(i, data, ctx);
  const n = cap(data.n, num(p, 'limit'));
  const inf = (i.inference as InferenceSpec | undefined) ?? null;
  const components = num(p, 'components');
  const diagonal = p.covariance !== 'full';
  const o = {
    source: inf ? ('inference' as const) : ('feedforward' as const),
    inference: inf,
    varianceScale: num(p, 'varianceScale'),
    batchSize: 500,
    seed: ctx.nextSeed(),
    onBatch: async (d: number) => {
      await ctx.checkStop();
      ctx.progress({ phase: 'prior', fraction: d / n });
    },
  };
  if (diagonal && components === 1) return { prior: await fitPrior(ctx.tf, model, { ...data, n }, o) };
  // A quick run on a few examples should still finish: fit at most one component per two examples.
  const fitted = Math.min(components, Math.max(1, Math.floor(n / 2)));
  if (fitted < components) ctx.log(`${components} components need at least ${2 * components} examples; with ${n}, fitting ${fitted}`, 'warn');
  const h = await topLayer(ctx.tf, model, { ...data, n }, o);
  const d = model.arch.sizes[model.depth];
  try {
    const onProgress = async (stage: string, fraction: number): Promise<void> => {
      await ctx.checkStop();
      ctx.progress({ phase: `prior (${stage})`, fraction });
    };
    return { prior: await fitMixture(ctx.tf, h, n, d, { components: fitted, diagonal, iterations: MIXTURE_ITERATIONS, varianceScale: o.varianceScale, ridge: MIXTURE_RIDGE, seed: o.seed + 1, onProgress }) };
  } catch (e) {
    if (e instanceof StopRequested) throw e;
    throw new UserError(`cannot fit the prior: ${(e as Error).message}`, ctx.step.node);
  }
};

const sampleCount = (ctx: RunContext, p: JsonObject): number => cap(num(p, 'count'), ctx.options.sampleLimit);

/** Runs a sampler in chunks so Stop and progress get through and memory stays bounded. */
async function inChunks(ctx: RunContext, n: number, phase: string, make: (count: number, seed: number) => TF.Tensor2D): Promise<Samples> {
  const chunk = 500;
  const parts: TF.Tensor2D[] = [];
  try {
    for (let s = 0; s < n; s += chunk) {
      await ctx.checkStop();
      parts.push(make(Math.min(chunk, n - s), ctx.nextSeed()));
      ctx.progress({ phase, fraction: Math.min(1, (s + chunk) / n) });
    }
  } catch (e) {
    for (const t of parts) t.dispose();
    throw e;
  }
  const x = parts.length === 1 ? parts[0] : (ctx.tf.concat(parts, 0) as TF.Tensor2D);
  if (parts.length > 1) for (const t of parts) t.dispose();
  return new Samples(x);
}

const directedOp = async (ctx: RunContext, i: Record<string, unknown>, p: JsonObject) => ({
  samples: await inChunks(ctx, sampleCount(ctx, p), 'directed sampling', (n, seed) => directedSample(ctx.tf, i.model as HierarchicalModel, i.prior as TopPrior, n, seed)),
});

const chainOp = async (ctx: RunContext, i: Record<string, unknown>, p: JsonObject) => ({
  samples: await inChunks(ctx, sampleCount(ctx, p), 'generate', (n, seed) =>
    generateChain(ctx.tf, i.model as HierarchicalModel, i.prior as TopPrior, n, { rounds: num(p, 'rounds'), alpha: num(p, 'alpha'), inference: i.inference as InferenceSpec }, seed),
  ),
});

const jdaeOp = async (ctx: RunContext, i: Record<string, unknown>, p: JsonObject) => ({
  samples: await inChunks(ctx, sampleCount(ctx, p), 'joint DAE chain', (n, seed) =>
    jdaeChain(ctx.tf, i.model as HierarchicalModel, i.prior as TopPrior, n, { steps: num(p, 'steps'), sigma: num(p, 'sigma'), random: () => ctx.random() }, seed),
  ),
});

const datasetSampleOp = async (ctx: RunContext, i: Record<string, unknown>, p: JsonObject) => {
  const data = i.data as DatasetValue;
  const offset = num(p, 'offset');
  const count = Math.min(sampleCount(ctx, p), data.n - offset);
  if (count < 1) throw new UserError(`offset ${offset} is past the end of the ${data.name} split (${data.n} digits)`, ctx.step.node);
  const D = data.dim;
  return { samples: new Samples(ctx.tf.tensor2d(data.images.subarray(offset * D, (offset + count) * D), [count, D])) };
};

const parzenOp = async (ctx: RunContext, i: Record<string, unknown>, p: JsonObject) => {
  const s = i.samples as Samples;
  const valid = i.valid as DatasetValue;
  const test = i.test as DatasetValue;
  const vn = Math.min(num(p, 'validCount'), valid.n);
  const tn = cap(Math.min(num(p, 'testCount'), test.n), ctx.options.testLimit);
  if (vn < 1) throw new UserError('the validation set is empty: the data node needs validCount > 0 to choose the Parzen width', ctx.step.node);
  const r = await parzenEvaluate(ctx.tf, s.x, { x: valid.images, n: vn }, { x: test.images, n: tn }, p.sigmas as number[], async (phase, d, total) => {
    await ctx.checkStop();
    ctx.progress({ phase: `parzen ${phase}`, fraction: d / total });
  });
  ctx.log(`Parzen: sigma ${r.sigma} chosen on ${vn} validation digits; ${tn} test digits; ${s.x.shape[0]} kernel centres`);
  return { ll: r.ll, stderr: r.stderr, sigma: r.sigma, valid_ll: Math.max(...r.validLL) };
};

/** Mean log p(x,h) over data after t = 0..iterations inference steps (Fig. 4). */
export async function logpTrace(ctx: RunContext, model: HierarchicalModel, spec: InferenceSpec, data: Dataset, iterations: number, n: number): Promise<number[]> {
  const tf = ctx.tf;
  const sums: TF.Scalar[] = Array.from({ length: iterations + 1 }, () => tf.scalar(0));
  const bs = 500;
  for (let s = 0; s < n; s += bs) {
    try {
      await ctx.checkStop();
    } catch (e) {
      for (const t of sums) t.dispose();
      throw e;
    }
    const count = Math.min(bs, n - s);
    const x = gatherRows(tf, data, null, s, count);
    const hs = infer(tf, model, x, spec, {
      steps: iterations,
      seed: ctx.nextSeed(),
      onStep: (t, h, xx) => {
        const lj = logJointSum(tf, model, xx, h);
        const next = tf.add(sums[t], lj) as TF.Scalar;
        sums[t].dispose();
        lj.dispose();
        sums[t] = next;
      },
    });
    for (const h of hs) h.dispose();
    x.dispose();
    ctx.progress({ phase: 'log p(x,h) trace', fraction: (s + count) / n });
  }
  const out = sums.map((t) => t.dataSync()[0] / n);
  for (const t of sums) t.dispose();
  return out;
}

const logpOp = async (ctx: RunContext, i: Record<string, unknown>, p: JsonObject) => {
  const data = i.data as DatasetValue;
  const n = cap(Math.min(num(p, 'count'), data.n), ctx.options.testLimit);
  return { trace: await logpTrace(ctx, modelFor(i, data, ctx), i.inference as InferenceSpec, data, num(p, 'iterations'), n) };
};

const reconOp = async (ctx: RunContext, i: Record<string, unknown>, p: JsonObject) => {
  const tf = ctx.tf;
  const data = i.data as DatasetValue;
  const model = modelFor(i, data, ctx);
  const n = cap(Math.min(num(p, 'count'), data.n), ctx.options.testLimit);
  const reconstruct = (x: TF.Tensor2D): TF.Tensor2D => model.g[0].apply(model.f[0].apply(x));
  let sum = 0;
  for (let s = 0; s < n; s += 500) {
    await ctx.checkStop();
    const count = Math.min(500, n - s);
    const x = gatherRows(tf, data, null, s, count);
    const e = tf.tidy(() => tf.sum(tf.squaredDifference(reconstruct(x), x)));
    sum += e.dataSync()[0];
    e.dispose();
    x.dispose();
  }
  // The picture: the first digits above their reconstructions.
  const show = Math.min(num(p, 'show') ?? 10, n);
  const x = gatherRows(tf, data, null, 0, show);
  const y = tf.tidy(() => reconstruct(x));
  const image = rowsPicture([x, y], show, data.dim);
  x.dispose();
  y.dispose();
  return { mse: sum / (n * data.dim), image };
};

/**
 * The first `show` examples of each tensor of `rows` (the same examples at different stages: original, masked,
 * filled) as a picture, one row of the grid per tensor: square images, or a strip of pixels each when the example's
 * size is not a square.
 */
function rowsPicture(rows: TF.Tensor2D[], show: number, dim: number): Picture {
  const values = new Float32Array(rows.length * show * dim);
  rows.forEach((t, r) => values.set(t.dataSync().subarray(0, show * dim), r * show * dim));
  const side = Math.sqrt(dim);
  const grid = { ...(Number.isInteger(side) ? { width: side, height: side } : { width: dim, height: 1 }), cols: show };
  const { width, height } = imageGridSize(rows.length * show, grid);
  return { png: imageGridPng(values, rows.length * show, grid), width, height };
}

/** In-painting (Fig. 5): returns MSE on missing pixels before and after, and the picture rows. */
export async function inpaint(
  ctx: RunContext,
  model: HierarchicalModel,
  spec: InferenceSpec,
  x: TF.Tensor2D,
  mask: CorruptionSpec & { kind: 'mask' },
  rounds: number,
  start: 'carry' | 'feedforward' = 'carry',
): Promise<{ before: number; after: number; masked: TF.Tensor2D; filled: TF.Tensor2D }> {
  const tf = ctx.tf;
  const seed = ctx.nextSeed();
  const { mask: m } = randomMask(tf, x.shape as [number, number], mask.fraction, seed);
  const masked = tf.tidy(() => {
    const fill = mask.fill === 'noise' ? tf.randomUniform(x.shape, 0, 1, 'float32', seed + 1) : tf.zerosLike(x);
    return tf.add(tf.mul(m, x), tf.mul(tf.sub(1, m), fill)) as TF.Tensor2D;
  });
  const missing = tf.tidy(() => tf.sub(1, m).sum().dataSync()[0]);
  const mseMissing = (y: TF.Tensor2D): number => tf.tidy(() => tf.sum(tf.mul(tf.sub(1, m), tf.squaredDifference(y, x))).dataSync()[0]) / missing;
  const before = mseMissing(masked);
  let cur = masked.clone();
  let hs: TF.Tensor2D[] | undefined;
  for (let r = 0; r < rounds; r++) {
    try {
      await ctx.checkStop();
    } catch (e) {
      for (const t of [m, masked, cur, ...(hs ?? [])]) t.dispose();
      throw e;
    }
    const next = infer(tf, model, cur, spec, { seed: seed + 7 * (r + 1), clamp: { x: masked, mask: m }, ...(hs && start === 'carry' ? { init: hs } : {}) });
    if (hs) for (const h of hs) h.dispose();
    hs = next;
    const filled = tf.tidy(() => tf.add(tf.mul(m, masked), tf.mul(tf.sub(1, m), model.g[0].apply(hs![0]))) as TF.Tensor2D);
    cur.dispose();
    cur = filled;
    ctx.progress({ phase: 'in-painting', fraction: (r + 1) / rounds });
  }
  if (hs) for (const h of hs) h.dispose();
  const after = mseMissing(cur);
  m.dispose();
  return { before, after, masked, filled: cur };
}

const inpaintOp = async (ctx: RunContext, i: Record<string, unknown>, p: JsonObject) => {
  const tf = ctx.tf;
  const data = i.data as DatasetValue;
  const c = i.mask as CorruptionValue;
  if (c.spec.kind !== 'mask') throw new UserError('the mask input must come from a Pixel mask node', ctx.step.node);
  const n = cap(Math.min(num(p, 'count'), data.n), ctx.options.testLimit);
  const x = gatherRows(tf, data, null, 0, n);
  let r: Awaited<ReturnType<typeof inpaint>>;
  try {
    r = await inpaint(ctx, modelFor(i, data, ctx), i.inference as InferenceSpec, x, c.spec, num(p, 'rounds'), p.start as 'carry' | 'feedforward');
  } catch (e) {
    x.dispose();
    throw e;
  }
  const image = rowsPicture([x, r.masked, r.filled], Math.min(num(p, 'show'), n), data.dim);
  for (const t of [x, r.masked, r.filled]) t.dispose();
  return { before: r.before, after: r.after, image };
};

async function saveModelOp(ctx: RunContext, i: Record<string, unknown>, p: JsonObject) {
  await saveToOutDir(ctx, SAVED_FILE[SaveModel]!(p), 'weights', () => weightsJson(i.model as HierarchicalModel));
  return {};
}

async function loadModelOp(ctx: RunContext, _i: Record<string, unknown>, p: JsonObject) {
  return { model: await loadFromPath(ctx, p.path as string, (full) => readWeights(ctx.tf, full, ctx.nextSeed())) };
}

export const bengio2015Ops: OpTable = {
  [SaveModel]: saveModelOp,
  [LoadModel]: loadModelOp,
  [MnistData]: dataOp,
  // Layers and decoders are architecture: the compiler folds them into the model step's params.
  [Encoder]: async () => ({ out: null }),
  [Decoder]: async () => ({ decoder: null }),
  [Hierarchy]: async (ctx, _i, p) => ({ model: new HierarchicalModel(ctx.tf, architectureFrom(p), ctx.nextSeed()) }),
  [GaussianCorruption]: async (_c, _i, p) => ({ corruption: { layer: num(p, 'layer'), spec: { kind: 'gaussian', sigma: num(p, 'sigma') } } satisfies CorruptionValue }),
  [SpikeCorruption]: async (_c, _i, p) => ({ corruption: { layer: num(p, 'layer'), spec: { kind: 'spike', samples: num(p, 'samples') } } satisfies CorruptionValue }),
  [MaskCorruption]: async (_c, _i, p) => ({
    corruption: { layer: 0, spec: { kind: 'mask', fraction: num(p, 'fraction'), fill: p.fill as 'noise' | 'zero' } } satisfies CorruptionValue,
  }),
  [Inference]: async (_c, _i, p) => ({ inference: inferenceFrom(p) }),
  [LocalTrain]: trainOp,
  [GaussianPrior]: priorOp,
  [DirectedSample]: directedOp,
  [ChainSample]: chainOp,
  [JdaeSample]: jdaeOp,
  [DatasetSample]: datasetSampleOp,
  [Parzen]: parzenOp,
  [LogpTrace]: logpOp,
  [Reconstruction]: reconOp,
  [Inpaint]: inpaintOp,
  [MetricOut]: async (ctx, i, p) => {
    ctx.metric(p.name as string, i.value as number);
    return {};
  },
  [SeriesOut]: async (ctx, i, p) => {
    ctx.metric(p.name as string, i.value as number[]);
    return {};
  },
  [ImageGridOut]: async (ctx, i, p) => {
    const s = i.samples as Samples;
    const count = Math.min(num(p, 'count'), s.x.shape[0]);
    const cols = Math.min(num(p, 'cols'), count);
    const data = s.x.slice([0, 0], [count, 784]);
    const png = imageGridPng(await data.data(), count, { width: 28, height: 28, cols });
    data.dispose();
    const rows = Math.ceil(count / cols);
    await ctx.image(p.name as string, png, cols * 29 + 1, rows * 29 + 1);
    return {};
  },
  [Filters]: async (ctx, i, p) => {
    const model = i.model as HierarchicalModel;
    const g1 = p.module === 'g1';
    const sizesText = (m: HierarchicalModel): string => m.arch.sizes.join('-');
    const [nIn, nUnits] = model.arch.sizes;
    const width = num(p, 'image_width');
    if (nIn % width !== 0) throw new UserError(`x has ${nIn} values, not a whole number of rows of ${width} pixels (image_width)`, ctx.step.node);
    const weights = (m: HierarchicalModel): Float32Array => (g1 ? m.g[0] : m.f[0]).W.dataSync() as Float32Array;
    const ref = i.reference as HierarchicalModel | undefined;
    if (ref && (ref.arch.sizes[0] !== nIn || ref.arch.sizes[1] !== nUnits))
      throw new UserError(`the reference model (${sizesText(ref)}) does not match the model (${sizesText(model)}) in x and h1`, ctx.step.node);
    const tiles = { nIn, nUnits, count: num(p, 'count'), cols: num(p, 'cols'), width, layout: g1 ? ('rows' as const) : ('columns' as const), ...(ref ? { minus: weights(ref) } : {}) };
    const pic = weightTilesPicture(weights(model), tiles);
    await ctx.image(p.name as string, pic.png, pic.width, pic.height);
    return { image: pic };
  },
  [ImageOut]: async (ctx, i, p) => {
    const pic = i.image as Picture;
    await ctx.image(p.name as string, pic.png, pic.width, pic.height);
    return {};
  },
};
