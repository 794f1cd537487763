// Equilibrium Propagation and the STDP-compatible rule against an independent reference written here in plain
// JavaScript (float64 loops, no tensors): a 5-4-3-3 network with random weights and biases, two epochs of two
// minibatches with persistent states, for both costs (C = ||y − t||², force 2β(t − y); C = ½||y − t||², force β(t − y))
// and for β of fixed sign or of a sign drawn per minibatch (the draws given, the same to both). The hand-computed tests elsewhere use 1-unit layers, where a transposed
// matrix, a swapped layer or a bias on the wrong side cannot show; here every matrix is rectangular.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nodes/runtime/backend.ts';
import type { Tf } from '../nodes/runtime/op.ts';
import type { EbmDataset } from '../nodes/runtime/ebm/data.ts';
import { type DynamicsSpec, makeNetwork } from '../nodes/runtime/ebm/network.ts';
import { type RuleSpec, train } from '../nodes/runtime/ebm/eqprop.ts';
import { makeRng } from '../nodes/runtime/random.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await initBackend('cpu')).tf;
});

type Mat = number[][];
const clip = (v: number): number => Math.min(1, Math.max(0, v));
const zeros = (r: number, c: number): Mat => Array.from({ length: r }, () => new Array<number>(c).fill(0));

const sizes = [5, 4, 3, 3];
const eps = 0.5;
const freeSteps = 5;
const nudgedSteps = 3;
const beta = 0.5;
const lrs = [0.1, 0.05, 0.02];

/** Random weights W[l] (sizes[l] × sizes[l+1]) and biases b[l] (sizes[l+1]), and four examples with labels. */
function problem() {
  const u = makeRng(11);
  const W = sizes.slice(0, -1).map((n, l) => Array.from({ length: n }, () => Array.from({ length: sizes[l + 1] }, () => u() - 0.5)));
  const b = sizes.slice(1).map((n) => Array.from({ length: n }, () => 0.2 * (u() - 0.5)));
  const x = Array.from({ length: 4 }, () => Array.from({ length: sizes[0] }, () => u()));
  const labels = [0, 2, 1, 2];
  return { W, b, x, labels };
}

type Cost = 'squared' | 'half_squared';

/** The random() draws the trainer gets, one per minibatch when the sign is random: below 0.5 is −β. */
const draws = [0.3, 0.7, 0.1, 0.9];

/**
 * One synchronous step of the clipped dynamics for one example: layer i (1..L) moves by ε(ρ'(s_i)·drive_i − s_i),
 * drive_i = Σ ρ(s_{i−1}) W_{i−1} + Σ W_i ρ(s_{i+1}) + b, then is clipped to [0, 1]; the output gets β'·dC/dy, that is
 * 2β'(t − y) for the squared cost and β'(t − y) for half of it.
 */
function refStep(W: Mat[], b: number[][], s: number[][], target: number[], nudge: number, cost: Cost): number[][] {
  const L = s.length - 1;
  const rho = s.map((layer) => layer.map(clip));
  const next = s.map((layer) => layer.slice());
  for (let i = 1; i <= L; i++)
    for (let j = 0; j < s[i].length; j++) {
      let d = b[i - 1][j];
      for (let k = 0; k < s[i - 1].length; k++) d += rho[i - 1][k] * W[i - 1][k][j];
      if (i < L) for (let k = 0; k < s[i + 1].length; k++) d += W[i][j][k] * rho[i + 1][k];
      const v = s[i][j];
      const dRho = v >= 0 && v <= 1 ? 1 : 0;
      let force = dRho * d - v;
      if (i === L) force += (cost === 'squared' ? 2 : 1) * nudge * (target[j] - v);
      next[i][j] = clip(v + eps * force);
    }
  return next;
}

/** Two epochs in file order, minibatches of two, persistent states: the weights after training. */
function reference(form: 'eqprop' | 'stdp', cost: Cost, randomSign: boolean) {
  const { W, b, x, labels } = problem();
  const L = sizes.length - 1;
  const stored = x.map(() => sizes.slice(1).map((n) => new Array<number>(n).fill(0)));
  let minibatch = 0;
  for (let epoch = 0; epoch < 2; epoch++)
    for (const batch of [
      [0, 1],
      [2, 3],
    ]) {
      const dW = W.map((w) => zeros(w.length, w[0].length));
      const db = b.map((v) => new Array<number>(v.length).fill(0));
      // β of this minibatch: its sign is drawn once and used in the nudge and in α/β alike
      const bt = randomSign && draws[minibatch++] < 0.5 ? -beta : beta;
      for (const e of batch) {
        const target = Array.from({ length: sizes[L] }, (_, c) => (c === labels[e] ? 1 : 0));
        let s = [x[e], ...stored[e]];
        for (let t = 0; t < freeSteps; t++) s = refStep(W, b, s, target, 0, cost);
        const s0 = s;
        stored[e] = s0.slice(1);
        let sb = s0;
        for (let t = 0; t < nudgedSteps; t++) {
          const next = refStep(W, b, sb, target, bt, cost);
          if (form === 'stdp')
            // Σ_t ρ_i(t)Δρ_j(t) + Δρ_i(t)ρ_j(t) over the nudged phase (the input is clamped: Δρ = 0 there)
            for (let l = 0; l < L; l++)
              for (let i = 0; i < sizes[l]; i++)
                for (let j = 0; j < sizes[l + 1]; j++)
                  dW[l][i][j] += clip(sb[l][i]) * (clip(next[l + 1][j]) - clip(sb[l + 1][j])) + (clip(next[l][i]) - clip(sb[l][i])) * clip(sb[l + 1][j]);
          sb = next;
        }
        for (let l = 0; l < L; l++) {
          for (let j = 0; j < sizes[l + 1]; j++) db[l][j] += clip(sb[l + 1][j]) - clip(s0[l + 1][j]);
          if (form === 'eqprop')
            for (let i = 0; i < sizes[l]; i++)
              for (let j = 0; j < sizes[l + 1]; j++) dW[l][i][j] += clip(sb[l][i]) * clip(sb[l + 1][j]) - clip(s0[l][i]) * clip(s0[l + 1][j]);
        }
      }
      for (let l = 0; l < L; l++) {
        const k = lrs[l] / (bt * batch.length);
        for (let i = 0; i < sizes[l]; i++) for (let j = 0; j < sizes[l + 1]; j++) W[l][i][j] += k * dW[l][i][j];
        for (let j = 0; j < sizes[l + 1]; j++) b[l][j] += k * db[l][j];
      }
    }
  return { W, b };
}

async function ours(form: 'eqprop' | 'stdp', cost: Cost, randomSign: boolean) {
  const { W, b, x, labels } = problem();
  const net = makeNetwork(
    tf,
    sizes,
    'hard_sigmoid',
    W.map((w) => tf.tensor2d(w)),
    b.map((v) => tf.tensor1d(v)),
  );
  const data: EbmDataset = { type: 'dataset', images: Float32Array.from(x.flat()), labels: Uint8Array.from(labels), n: 4, inputSize: sizes[0], classes: 3, description: '' };
  const free: DynamicsSpec = { type: 'ebm.dynamics', epsilon: eps, sigma: 0, steps: freeSteps, form: 'clipped' };
  const nudged: DynamicsSpec = { ...free, steps: nudgedSteps, nudge: { beta, randomSign, cost } };
  const rule: RuleSpec = { type: 'ebm.rule', form, lrs, direction: 'both' };
  let drawn = 0;
  const random = (): number => draws[drawn++];
  await train(tf, net, data, { epochs: 2, batchSize: 2, persistent: true, shuffle: false, free, nudged, rule, readout: 'input', random, nextSeed: () => 1 });
  // one draw per minibatch for the sign, none otherwise (no shuffling)
  expect(drawn).toBe(randomSign ? 4 : 0);
  const r = net.read();
  net.dispose();
  return r;
}

describe('EqProp and the STDP-compatible rule against a plain-JavaScript reference (5-4-3-3, two epochs, stored states)', () => {
  const variants: [Cost, boolean][] = [
    ['squared', false],
    ['half_squared', false],
    ['squared', true],
    ['half_squared', true],
  ];
  for (const form of ['eqprop', 'stdp'] as const)
    for (const [cost, randomSign] of variants)
      it(`${form}, cost ${cost}, ${randomSign ? 'β of random sign (−, +, −, +)' : 'β > 0'}: every weight and bias after four minibatches`, async () => {
        const want = reference(form, cost, randomSign);
        const got = await ours(form, cost, randomSign);
        const start = problem();
        for (let l = 0; l < sizes.length - 1; l++) {
          const flat = want.W[l].flat();
          // training moved the weights (so the comparison means something) ...
          expect(Math.max(...flat.map((v, i) => Math.abs(v - start.W[l].flat()[i]))), `W${l} moved`).toBeGreaterThan(1e-3);
          // ... and ours moved them the same way, to float32 precision
          expect(Array.from(got.W[l]), `W${l}`).toEqual(flat.map((v) => expect.closeTo(v, 5)));
          expect(Array.from(got.b[l]), `b${l}`).toEqual(want.b[l].map((v) => expect.closeTo(v, 5)));
        }
      });
});
