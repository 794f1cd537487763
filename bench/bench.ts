/**
 * npm run bench: Algorithm 2 training throughput (E-step with N = 15 inference steps + the four
 * local M-step updates, batch 100, 784-1000-100), Equilibrium Propagation training throughput
 * (784-500-10, batch 20, 20 + 4 steps) and the backend's matMul ceiling.
 * Prints two JSON lines on stdout (Algorithm 2, then EqProp); the explanation goes to stderr.
 *   npm run bench [-- --backend wasm|cpu|tensorflow --batches 30 --eqprop-batches 300]
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, type BackendRequest } from '../nodes/runtime/backend.ts';
import { loadMnist } from '../nodes/runtime/data/mnist.ts';
import { HierarchicalModel, type ModuleSpec } from '../nodes/runtime/bengio2015/model.ts';
import { LocalTrainer, gatherRows, permutation } from '../nodes/runtime/bengio2015/train.ts';
import { benchEqProp } from './eqprop.ts';

const { values: args } = parseArgs({ options: { backend: { type: 'string', default: 'auto' }, batches: { type: 'string', default: '30' }, 'eqprop-batches': { type: 'string', default: '300' } } });
const { tf, name: backend, note } = await initBackend(args.backend as BackendRequest);
const B = 100;
const sizes = [784, 1000, 100];

// The backend's ceiling: a [100,784] x [784,1000] matMul, as in the training's biggest products.
const a = tf.randomUniform([B, 784], 0, 1, 'float32', 1);
const w = tf.randomUniform([784, 1000], -0.05, 0.05, 'float32', 2);
const mm = (): void => {
  const c = tf.matMul(a, w);
  c.dataSync();
  c.dispose();
};
for (let i = 0; i < 5; i++) mm();
let t0 = performance.now();
const reps = 40;
for (let i = 0; i < reps; i++) mm();
const matmulGflops = (2 * B * 784 * 1000 * reps) / ((performance.now() - t0) / 1000) / 1e9;
a.dispose();
w.dispose();

const full = fileURLToPath(new URL('../../shared/data/mnist', import.meta.url));
const data = await loadMnist(existsSync(full) ? { dir: full } : {});
const mod = (node: string, inUnits: number, outUnits: number, activation: ModuleSpec['activation']): ModuleSpec => ({ node, inUnits, outUnits, activation, initGain: 1, lr: null });
const model = new HierarchicalModel(tf, {
  sizes,
  encoders: [mod('f1', 784, 1000, 'softplus'), mod('f2', 1000, 100, 'sigmoid')],
  decoders: [mod('g1', 1000, 784, 'sigmoid'), mod('g2', 100, 1000, 'softplus')],
}, 7);
const trainer = new LocalTrainer(tf, model, {
  epochs: 1,
  batchSize: B,
  optimizer: 'adam',
  lr: 1e-4,
  warmupBatches: 0,
  inference: { method: 'targetprop', steps: 15, delta: 0.1, alpha: 0.001, noise: 0 },
  corruption: { 0: { kind: 'gaussian', sigma: 0.3 }, 1: { kind: 'gaussian', sigma: 0.03 }, 2: { kind: 'spike', samples: 3 } },
});
const ds = { images: data.train.images, n: data.train.n, dim: 784 };
let seed = 1;
const order = permutation(ds.n, () => (seed = (seed * 16807) % 2147483647) / 2147483647);
const batches = Number(args.batches);
const step = (i: number): void => {
  const x = gatherRows(tf, ds, order, i * B, B);
  trainer.step(x, i);
  x.dispose();
};
for (let i = 0; i < 3; i++) step(i);
trainer.takeLosses();
t0 = performance.now();
for (let i = 3; i < 3 + batches; i++) step(i);
const losses = trainer.takeLosses(); // forces the last batch to finish
const secs = (performance.now() - t0) / 1000;
const eps = (batches * B) / secs;
trainer.dispose();
model.dispose();

// Multiply-adds per example: 15 inference steps x (f2(h1), f2(g2(h2)), g2 twice, g1(h1), f1(g1(h1)))
// + the feedforward pass + the four modules' forward and weight-gradient products.
const fm = (i: number, o: number): number => 2 * i * o;
const inferFlops = 15 * (2 * fm(1000, 100) + 2 * fm(100, 1000) + 2 * fm(1000, 784)) + fm(784, 1000) + fm(1000, 100);
const mstepFlops = 2 * (2 * fm(784, 1000) + 2 * fm(1000, 100));
const flopsPerExample = inferFlops + mstepFlops;
const ceiling = (matmulGflops * 1e9) / flopsPerExample;
const line = {
  backend,
  train_examples_per_second: Math.round(eps * 10) / 10,
  matmul_gflops: Math.round(matmulGflops * 100) / 100,
  mflop_per_example: Math.round(flopsPerExample / 1e4) / 100,
  ceiling_examples_per_second: Math.round(ceiling),
  fraction_of_ceiling: Math.round((eps / ceiling) * 100) / 100,
  achieved_gflops: Math.round(((eps * flopsPerExample) / 1e9) * 100) / 100,
  data: data.source,
  finite_losses: Object.values(losses).every(Number.isFinite),
};
process.stdout.write(`${JSON.stringify(line)}\n`);
process.stderr.write(
  `backend: ${note}\n` +
    `Each example costs ${line.mflop_per_example} MFLOP, ${Math.round((inferFlops / flopsPerExample) * 100)}% of it in the 15 inference steps, almost all in matMuls.\n` +
    `At the backend's matMul speed (${line.matmul_gflops} GFLOP/s for [100,784]x[784,1000]) the ceiling is ~${line.ceiling_examples_per_second} examples/s; ` +
    `training reaches ${Math.round(line.fraction_of_ceiling * 100)}% of it. What limits it: the matMul kernel itself` +
    `${backend === 'wasm' ? ' (wasm in Node runs one thread with SIMD; tfjs-backend-wasm cannot start its thread pool under Node)' : ''}; ` +
    `the rest is elementwise work, softplus outside the fused kernels, and per-op dispatch.\n`,
);

const eq = await benchEqProp(tf, data, matmulGflops, Number(args['eqprop-batches']));
process.stdout.write(`${JSON.stringify({ backend, ...eq })}\n`);
process.stderr.write(
  `EqProp (784-500-10, batch 20, 20 + 4 steps): ${eq.eqprop_examples_per_second} examples/s, ${eq.eqprop_mflop_per_example} MFLOP per example, ` +
    `${Math.round(eq.eqprop_fraction_of_ceiling * 100)}% of the matMul ceiling (${eq.eqprop_ceiling_examples_per_second} examples/s). ` +
    `At batch 20 the products are small and the time goes to dispatch: ${eq.eqprop_ops_per_batch} ops per minibatch at about ` +
    `${eq.op_microseconds} µs each for a small op is ${Math.round((eq.eqprop_ops_per_batch * eq.op_microseconds) / 100) / 10} ms of the ` +
    `${Math.round(200000 / eq.eqprop_examples_per_second) / 10} ms a minibatch takes.\n`,
);
