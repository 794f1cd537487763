/**
 * Training an energy-based network with Equilibrium Propagation (Scellier & Bengio 2016) or with
 * the STDP-compatible rule ΔW_ij ∝ ρ(s_i)·dρ(s_j)/dt accumulated over the nudged phase
 * (Bengio et al. 2017, Eq. 3.18), and measuring its classification error.
 *
 * One minibatch: clamp x; free phase from the stored (persistent) or zero states to a fixed point
 * s⁰; nudged phase from s⁰ with the force β(t − y) on the outputs to s^β; then
 *   EqProp:  ΔW_ij = (α/β) [ρ(s_i^β) ρ(s_j^β) − ρ(s_i⁰) ρ(s_j⁰)],  Δb_i = (α/β) [ρ(s_i^β) − ρ(s_i⁰)]
 *   centered EqProp (Laborieux et al. 2021): a second nudged phase to s^−β, ΔW_ij = (α/2β) [ρ(s_i^β) ρ(s_j^β) − ρ(s_i^−β) ρ(s_j^−β)]
 *   STDP:    ΔW_ij = (α/β) Σ_t [ρ(s_i(t)) Δρ(s_j(t)) + Δρ(s_i(t)) ρ(s_j(t))]   (both directions of the tied synapse)
 * averaged over the batch. The STDP form equals the EqProp form minus Σ_t Δρ_i Δρ_j (second order).
 */
import type * as TF from '@tensorflow/tfjs';
import { MAX_WEIGHTS } from '../../core/params.ts';
import { type Tf, UserError } from '../op.ts';
import { permutation } from '../random.ts';
import type { EbmDataset } from './data.ts';
import {
  type Clamp,
  type DynamicsSpec,
  type EbmNetwork,
  clampInput,
  disposeAll,
  drive,
  inBoxAfter,
  oneHot,
  outputCost,
  rates,
  relax,
  rho,
  step,
  stepOptionsAt,
  zeroStates,
} from './network.ts';

export interface RuleSpec {
  type: 'ebm.rule';
  form: 'eqprop' | 'stdp';
  /** Learning rate α_l of weight matrix l (between layers l and l+1) and of the bias of layer l+1. */
  lrs: number[];
  /** STDP form: which side of each tied synapse learns ('both' = the symmetric rule). */
  direction: 'both' | 'bottom_up' | 'top_down';
  /** EqProp form: nudge with +β and −β from the same free fixed point and use the difference of the two ends. */
  centered?: boolean;
}

/**
 * How the class is read from a free fixed point:
 * - 'state': the output unit with the largest state (argmax, ties to the lowest class: the published code's measure);
 * - 'input': the output unit with the largest input Σ_j W_jk ρ(s_j) + b_k. At a fixed point of the clipped dynamics
 *   s_k = clip(input_k, 0, 1), so this is the same class whenever one unit is most active, and it still decides when
 *   several outputs are saturated at 1 or all are silent at 0, where 'state' would answer the lowest class.
 */
export type Readout = 'input' | 'state';

export type LrSchedule = 'constant' | 'cosine';

/** The factor on every learning rate at minibatch t of T (counting from 0 over all epochs). */
export function lrFactor(schedule: LrSchedule, t: number, T: number): number {
  return schedule === 'cosine' ? 0.5 * (1 + Math.cos((Math.PI * t) / T)) : 1;
}

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  persistent: boolean;
  shuffle: boolean;
  /** Learning rates over training: 'constant' (the reference settings) or 'cosine', α·½(1 + cos(π t/T)) over the T minibatches of all epochs. */
  lrSchedule?: LrSchedule;
  free: DynamicsSpec;
  nudged: DynamicsSpec;
  rule: RuleSpec;
  /** How the training error is read at the free fixed points. */
  readout: Readout;
  random: () => number;
  nextSeed: () => number;
  checkStop?: () => Promise<void>;
  /** After each minibatch; `soFar` is this epoch's training error and cost over its examples so far (at the last batch, the epoch's figures). */
  onBatch?: (epoch: number, batch: number, batches: number, examplesDone: number, soFar: { error: number; cost: number; examples: number }) => void;
  onEpoch?: (epoch: number, m: { trainError: number; trainCost: number; seconds: number }) => Promise<void> | void;
}

/** The most values the stored per-example states of one data set may hold: as many as a network's weights (1 GiB of float32). */
export const MAX_STATES = MAX_WEIGHTS;

/**
 * Why `n` examples cannot each keep a state of a `sizes` network (every layer but the clamped input), or null when they
 * can: checked before the states are allocated, so a network too large for its data fails at once, not into the run.
 * `what` names the examples ("training examples"), `remedy` how else to run.
 */
export function statesProblem(sizes: readonly number[], n: number, what = 'examples', remedy = 'turn off the stored states (persistent false, valid_states from_zero)'): string | null {
  const units = sizes.slice(1).reduce((a, k) => a + k, 0);
  const values = n * units;
  if (values <= MAX_STATES) return null;
  const gb = ((values * 4) / 2 ** 30).toFixed(1);
  const f = (x: number): string => x.toLocaleString('en-US');
  return `keeping a state for each of the ${f(n)} ${what} of ${sizes.join('-')} takes ${f(n)} × ${f(units)} units = ${f(values)} values (${gb} GiB as float32), more than the ${f(MAX_STATES)} (1 GiB) allowed here; make the hidden layers smaller, use fewer examples or ${remedy}`;
}

/** Per-example states kept between epochs (Scellier & Bengio's persistent particles). */
export class PersistentStates {
  readonly layers: Float32Array[];
  /** Throws a UserError (the running node's) when the states would be larger than MAX_STATES values. */
  constructor(
    readonly sizes: number[],
    readonly n: number,
    what?: string,
    remedy?: string,
  ) {
    const problem = statesProblem(sizes, n, what, remedy);
    if (problem) throw new UserError(problem);
    this.layers = sizes.slice(1).map((k) => new Float32Array(n * k));
  }
  gather(tf: Tf, idx: Int32Array): TF.Tensor2D[] {
    return this.layers.map((buf, l) => {
      const k = this.sizes[l + 1];
      const out = new Float32Array(idx.length * k);
      for (let r = 0; r < idx.length; r++) out.set(buf.subarray(idx[r] * k, idx[r] * k + k), r * k);
      return tf.tensor2d(out, [idx.length, k]);
    });
  }
  scatter(states: TF.Tensor2D[], idx: Int32Array): void {
    states.forEach((s, l) => {
      const k = this.sizes[l + 1];
      const v = s.dataSync();
      for (let r = 0; r < idx.length; r++) this.layers[l].set(v.subarray(r * k, r * k + k), idx[r] * k);
    });
  }
}

export function batchInputs(tf: Tf, data: EbmDataset, idx: Int32Array): { x: TF.Tensor2D; labels: Uint8Array } {
  const d = data.inputSize;
  const x = new Float32Array(idx.length * d);
  const labels = new Uint8Array(idx.length);
  for (let r = 0; r < idx.length; r++) {
    x.set(data.images.subarray(idx[r] * d, idx[r] * d + d), r * d);
    labels[r] = data.labels[idx[r]];
  }
  return { x: tf.tensor2d(x, [idx.length, d]), labels };
}

/**
 * Predicted classes at `states` (by `readout`) and, for each example, whether two or more output units share the
 * largest state (a tie that argmax of the states settles by class index). `inBox`: the states are known to lie in [0,1].
 */
export function predict(
  tf: Tf,
  net: EbmNetwork,
  clamp: Clamp,
  states: TF.Tensor2D[],
  readout: Readout,
  inBox?: boolean,
): { pred: Int32Array; byState: Int32Array; tied: Uint8Array } {
  const L = states.length;
  const byState = tf.tidy(() => tf.argMax(states[L - 1], 1).dataSync()) as Int32Array;
  const pred = readout === 'state' ? byState : (tf.tidy(() => tf.argMax(drive(tf, net, clamp, rates(tf, net, states, inBox), L - 1), 1).dataSync()) as Int32Array);
  const y = states[L - 1].dataSync();
  const k = net.sizes[net.sizes.length - 1];
  const tied = new Uint8Array(pred.length);
  for (let r = 0; r < pred.length; r++) {
    const top = y[r * k + byState[r]];
    let n = 0;
    for (let j = 0; j < k; j++) if (y[r * k + j] === top) n++;
    tied[r] = n > 1 ? 1 : 0;
  }
  return { pred, byState, tied };
}

function countWrong(pred: ArrayLike<number>, labels: Uint8Array): number {
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] !== labels[i]) wrong++;
  return wrong;
}

/**
 * One minibatch of learning. Returns the free fixed point (owned by the caller) and the number of
 * misclassified examples and summed cost at that fixed point (measured before the update).
 */
export function trainBatch(
  tf: Tf,
  net: EbmNetwork,
  x: TF.Tensor2D,
  labels: Uint8Array,
  init: TF.Tensor2D[],
  s: Pick<TrainSettings, 'free' | 'nudged' | 'rule' | 'readout' | 'random' | 'nextSeed'>,
): { free: TF.Tensor2D[]; wrong: number; cost: number; beta: number } {
  const B = x.shape[0];
  const L = net.sizes.length - 1;
  const classes = net.sizes[L];
  const target = oneHot(tf, labels, classes);
  const clamp = clampInput(tf, net, x);
  const seed = s.nextSeed;
  // `init` is zero states or free fixed points of earlier batches: under clipped free dynamics they lie in [0,1], and
  // so do the states a clipped phase ends in, so the phases' first steps and the update may skip ρ and ρ' as well.
  const initInBox = s.free.form === 'clipped';
  const s0 = relax(tf, net, clamp, s.free, init, s.free.steps, { seed, inBox: initInBox });
  const s0InBox = inBoxAfter(s.free, s.free.steps, initInBox);
  const sbInBox = inBoxAfter(s.nudged, s.nudged.steps, s0InBox);
  const wrong = countWrong(predict(tf, net, clamp, s0, s.readout, s0InBox).pred, labels);
  const nudge = s.nudged.nudge!;
  const cost = tf.tidy(() => outputCost(tf, nudge.cost, s0[L - 1], target).sum().dataSync()[0]);
  // Clamped outputs (contrastive Hebbian learning): no sign to draw, and the update is α[ρρ(clamped) − ρρ(free)], i.e. β = 1 below.
  const sign = nudge.randomSign && !nudge.clamp ? (s.random() < 0.5 ? -1 : 1) : 1;
  const beta = nudge.clamp ? 1 : sign * nudge.beta;
  const opts = { beta, target, seed };
  if (s.rule.form === 'eqprop') {
    const sb = relax(tf, net, clamp, s.nudged, s0, s.nudged.steps, { ...opts, inBox: s0InBox });
    if (s.rule.centered) {
      // (α/2β)[ρρ(s^β) − ρρ(s^−β)]: applyEqProp's (α/β')[ρρ(b) − ρρ(a)] with a = s^−β, b = s^β, β' = 2β.
      const sm = relax(tf, net, clamp, s.nudged, s0, s.nudged.steps, { ...opts, beta: -beta, inBox: s0InBox });
      applyEqProp(tf, net, clamp, sm, sb, 2 * beta, s.rule.lrs, sbInBox);
      disposeAll(sm);
    } else {
      applyEqProp(tf, net, clamp, s0, sb, beta, s.rule.lrs, s0InBox && sbInBox);
    }
    disposeAll(sb);
  } else {
    applyStdp(tf, net, clamp, s0, s.nudged, opts, s.rule);
  }
  clamp.dispose();
  target.dispose();
  return { free: s0, wrong, cost, beta };
}

/** W += (α/β)[ρρ(sb) − ρρ(s0)] and b += (α/β)[ρ(sb) − ρ(s0)], averaged over the batch. `inBox`: both ends lie in [0,1]. */
function applyEqProp(tf: Tf, net: EbmNetwork, clamp: Clamp, s0: TF.Tensor2D[], sb: TF.Tensor2D[], beta: number, lrs: number[], inBox: boolean): void {
  const B = clamp.rx.shape[0];
  tf.tidy(() => {
    const r0 = rates(tf, net, s0, inBox);
    const rb = rates(tf, net, sb, inBox);
    const updates: [TF.Variable, TF.Tensor][] = [];
    for (let l = 0; l < net.W.length; l++) {
      const k = lrs[l] / (beta * B);
      const dPost = tf.sub(rb[l], r0[l]);
      const dW =
        l === 0 ? tf.matMul(clamp.rx, dPost, true, false) : tf.sub(tf.matMul(rb[l - 1], rb[l], true, false), tf.matMul(r0[l - 1], r0[l], true, false));
      updates.push([net.W[l], tf.add(net.W[l], tf.mul(dW, k))]);
      updates.push([net.b[l], tf.add(net.b[l], tf.mul(tf.sum(dPost, 0), k))]);
    }
    for (const [v, t] of updates) v.assign(t);
  });
}

function applyStdp(
  tf: Tf,
  net: EbmNetwork,
  clamp: Clamp,
  s0: TF.Tensor2D[],
  dyn: DynamicsSpec,
  opts: { beta: number; target: TF.Tensor; seed: () => number },
  rule: RuleSpec,
): void {
  const B = clamp.rx.shape[0];
  const nW = net.W.length;
  // Accumulators: bottom-up term Σ ρ(pre) Δρ(post) and top-down term Σ Δρ(pre) ρ(post), per weight matrix.
  const up: TF.Tensor[] = net.W.map((w) => tf.zerosLike(w));
  const down: TF.Tensor[] = net.W.map((w) => tf.zerosLike(w));
  let cur = s0;
  for (let t = 0; t < dyn.steps; t++) {
    const next = step(tf, net, clamp, dyn, cur, stepOptionsAt(dyn, opts, t));
    const [u2, d2] = tf.tidy(() => {
      const rc = cur.map((s) => rho(tf, net.activation, s));
      const rn = next.map((s) => rho(tf, net.activation, s));
      const dr = rn.map((r, i) => tf.sub(r, rc[i]));
      const u: TF.Tensor[] = [];
      const d: TF.Tensor[] = [];
      for (let l = 0; l < nW; l++) {
        const pre = l === 0 ? clamp.rx : rc[l - 1];
        u.push(tf.add(up[l], tf.matMul(pre, dr[l], true, false)));
        d.push(l === 0 ? down[l].clone() : tf.add(down[l], tf.matMul(dr[l - 1], rc[l], true, false)));
      }
      return [u, d];
    });
    disposeAll(up);
    disposeAll(down);
    up.splice(0, nW, ...u2);
    down.splice(0, nW, ...d2);
    if (cur !== s0) disposeAll(cur);
    cur = next;
  }
  tf.tidy(() => {
    const dr = cur.map((s, i) => tf.sub(rho(tf, net.activation, s), rho(tf, net.activation, s0[i])));
    const updates: [TF.Variable, TF.Tensor][] = [];
    for (let l = 0; l < nW; l++) {
      const k = rule.lrs[l] / (opts.beta * B);
      // One direction is doubled to keep the scale of both. The input layer is clamped, so its rate never changes and
      // the input weights have no top-down term: there "both" is the bottom-up term alone, "bottom_up" takes it as
      // it is (nothing to make up for), and "top_down" leaves them as they are (no input unit is postsynaptic).
      const dW =
        rule.direction === 'both'
          ? tf.add(up[l], down[l])
          : l === 0
            ? rule.direction === 'bottom_up'
              ? up[0]
              : down[0]
            : tf.mul(rule.direction === 'bottom_up' ? up[l] : down[l], 2);
      updates.push([net.W[l], tf.add(net.W[l], tf.mul(dW, k))]);
      updates.push([net.b[l], tf.add(net.b[l], tf.mul(tf.sum(dr[l], 0), k))]);
    }
    for (const [v, t] of updates) v.assign(t);
  });
  disposeAll(up);
  disposeAll(down);
  if (cur !== s0) disposeAll(cur);
}

function order(n: number, shuffle: boolean, random: () => number): Int32Array {
  return shuffle ? permutation(n, random) : Int32Array.from({ length: n }, (_, i) => i);
}

/** Trains `net` in place for `s.epochs` epochs on `data`. Returns the per-epoch training error (at the free fixed points, as in the paper). */
export async function train(tf: Tf, net: EbmNetwork, data: EbmDataset, s: TrainSettings): Promise<{ trainError: number[]; trainCost: number[]; examplesPerSecond: number }> {
  const persistent = s.persistent ? new PersistentStates(net.sizes, data.n, 'training examples', 'set persistent to false') : null;
  const trainError: number[] = [];
  const trainCost: number[] = [];
  const batches = Math.ceil(data.n / s.batchSize);
  let examples = 0;
  let seconds = 0;
  for (let epoch = 0; epoch < s.epochs; epoch++) {
    const t0 = performance.now();
    const idxAll = order(data.n, s.shuffle, s.random);
    let wrong = 0;
    let cost = 0;
    let seen = 0;
    for (let bi = 0; bi < batches; bi++) {
      await s.checkStop?.();
      const idx = idxAll.subarray(bi * s.batchSize, Math.min(data.n, (bi + 1) * s.batchSize));
      const { x, labels } = batchInputs(tf, data, idx);
      const init = persistent ? persistent.gather(tf, idx) : zeroStates(tf, net, idx.length);
      const f = lrFactor(s.lrSchedule ?? 'constant', epoch * batches + bi, s.epochs * batches);
      const r = trainBatch(tf, net, x, labels, init, f === 1 ? s : { ...s, rule: { ...s.rule, lrs: s.rule.lrs.map((a) => a * f) } });
      if (persistent) persistent.scatter(r.free, idx);
      wrong += r.wrong;
      cost += r.cost;
      disposeAll(r.free);
      disposeAll(init);
      x.dispose();
      examples += idx.length;
      seen += idx.length;
      s.onBatch?.(epoch, bi + 1, batches, examples, { error: wrong / seen, cost: cost / seen, examples: seen });
    }
    const dt = (performance.now() - t0) / 1000;
    seconds += dt;
    trainError.push(wrong / data.n);
    trainCost.push(cost / data.n);
    await s.onEpoch?.(epoch, { trainError: wrong / data.n, trainCost: cost / data.n, seconds: dt });
  }
  return { trainError, trainCost, examplesPerSecond: seconds > 0 ? examples / seconds : 0 };
}

/**
 * Classification error (fraction, read by `o.readout`) and mean cost at the free fixed point reached in
 * `dyn.steps` steps from zero states or, with `states`, from each example's stored state (which is then
 * updated: the published code measures its validation error this way, 20 more steps per epoch). Also the
 * error read by argmax of the output states (`errorByState`) and the fraction of examples whose output
 * states tie at their maximum (`ties`).
 */
export async function evaluate(
  tf: Tf,
  net: EbmNetwork,
  data: EbmDataset,
  dyn: DynamicsSpec,
  o: {
    batchSize: number;
    cost: 'half_squared' | 'squared';
    readout: Readout;
    seed: () => number;
    checkStop?: () => Promise<void>;
    onBatch?: (done: number) => void;
    states?: PersistentStates;
  },
): Promise<{ error: number; cost: number; wrong: number; errorByState: number; ties: number }> {
  const L = net.sizes.length - 1;
  let wrong = 0;
  let wrongByState = 0;
  let ties = 0;
  let cost = 0;
  for (let start = 0; start < data.n; start += o.batchSize) {
    await o.checkStop?.();
    const idx = new Int32Array(Math.min(o.batchSize, data.n - start)).map((_, i) => start + i);
    const { x, labels } = batchInputs(tf, data, idx);
    const clamp = clampInput(tf, net, x);
    const init = o.states ? o.states.gather(tf, idx) : zeroStates(tf, net, idx.length);
    // Zero states, or stored ones this relaxation ended in before: in [0,1] under clipped dynamics (see trainBatch).
    const initInBox = dyn.form === 'clipped';
    const s = relax(tf, net, clamp, { ...dyn, nudge: undefined }, init, dyn.steps, { seed: o.seed, inBox: initInBox });
    o.states?.scatter(s, idx);
    const p = predict(tf, net, clamp, s, o.readout, inBoxAfter(dyn, dyn.steps, initInBox));
    wrong += countWrong(p.pred, labels);
    wrongByState += countWrong(p.byState, labels);
    for (const t of p.tied) ties += t;
    const target = oneHot(tf, labels, net.sizes[L]);
    cost += tf.tidy(() => outputCost(tf, o.cost, s[L - 1], target).sum().dataSync()[0]);
    target.dispose();
    disposeAll(s);
    disposeAll(init);
    clamp.dispose();
    x.dispose();
    o.onBatch?.(start + idx.length);
  }
  return { error: wrong / data.n, cost: cost / data.n, wrong, errorByState: wrongByState / data.n, ties: ties / data.n };
}
