/**
 * Equilibrium Propagation throughput for `npm run bench`: the example's 784-500-10 network, minibatches of 20,
 * 20 free steps and 4 nudged steps (ε 0.5, β 0.5 with a random sign), persistent states, on MNIST digits in file
 * order. Reports examples/s, the compute ceiling at the backend's matMul speed, and the dispatch cost of one small
 * op, which is what bounds a batch of 20 (each step is nine ops, seven of them on [20, 500] tensors).
 */
import type { Tf } from '../nodes/runtime/op.ts';
import type { MnistData } from '../nodes/runtime/data/mnist.ts';
import { asDataset } from '../nodes/runtime/ebm/data.ts';
import { type DynamicsSpec, disposeAll, initNetwork } from '../nodes/runtime/ebm/network.ts';
import { PersistentStates, type RuleSpec, batchInputs, trainBatch } from '../nodes/runtime/ebm/eqprop.ts';
import { makeRng } from '../nodes/runtime/random.ts';

export interface EqPropBench {
  eqprop_examples_per_second: number;
  eqprop_mflop_per_example: number;
  eqprop_ceiling_examples_per_second: number;
  eqprop_fraction_of_ceiling: number;
  /** Microseconds per small elementwise op ([20, 500] add), the per-op dispatch cost. */
  op_microseconds: number;
  /** Ops (kernel launches) per minibatch of training, counted by the engine's profiler. */
  eqprop_ops_per_batch: number;
}

export async function benchEqProp(tf: Tf, data: MnistData, matmulGflops: number, batches: number): Promise<EqPropBench> {
  const sizes = [784, 500, 10];
  const B = 20;
  const free: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 20, form: 'clipped' };
  const nudged: DynamicsSpec = { ...free, steps: 4, nudge: { beta: 0.5, randomSign: true, cost: 'squared' } };
  const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.05], direction: 'both' };
  const u = makeRng(5);
  const nextSeed = (): number => Math.floor(u() * 2 ** 31);
  const net = initNetwork(tf, sizes, 'hard_sigmoid', { init: 'glorot_uniform', scale: 1, bias: 0, seed: nextSeed });
  const ds = asDataset(data.train, 'bench', 'data');
  const states = new PersistentStates(sizes, ds.n);
  const settings = { free, nudged, rule, readout: 'input' as const, random: u, nextSeed };
  const one = (bi: number): void => {
    const idx = Int32Array.from({ length: B }, (_, i) => (bi * B + i) % ds.n);
    const { x, labels } = batchInputs(tf, ds, idx);
    const init = states.gather(tf, idx);
    const r = trainBatch(tf, net, x, labels, init, settings);
    states.scatter(r.free, idx); // reads the states back, so the batch has finished
    disposeAll([...r.free, ...init, x]);
  };
  for (let i = 0; i < 5; i++) one(i);
  const profile = await tf.profile(() => one(5));
  const opsPerBatch = profile.kernels.length;
  const t0 = performance.now();
  for (let i = 6; i < 6 + batches; i++) one(i);
  const eps = (batches * B) / ((performance.now() - t0) / 1000);
  net.dispose();

  // The dispatch cost of one small op.
  const a = tf.randomUniform([B, 500]);
  const reps = 2000;
  const t1 = performance.now();
  for (let i = 0; i < reps; i++) tf.add(a, a).dispose();
  tf.add(a, a).dataSync();
  const opUs = ((performance.now() - t1) * 1000) / reps;
  a.dispose();

  // Multiply-adds per example: ρ(x)W0 once per minibatch, per step the products with W1 both ways, the readout's
  // output inputs, and the update's ρ(x)ᵀΔρ(h) and two ρ(h)ᵀρ(y) products.
  const fm = (i: number, o: number): number => 2 * i * o;
  const steps = free.steps + nudged.steps;
  const flops = fm(784, 500) + steps * 2 * fm(500, 10) + fm(500, 10) + fm(784, 500) + 2 * fm(500, 10);
  const ceiling = (matmulGflops * 1e9) / flops;
  return {
    eqprop_examples_per_second: Math.round(eps),
    eqprop_mflop_per_example: Math.round(flops / 1e4) / 100,
    eqprop_ceiling_examples_per_second: Math.round(ceiling),
    eqprop_fraction_of_ceiling: Math.round((eps / ceiling) * 100) / 100,
    op_microseconds: Math.round(opUs * 10) / 10,
    eqprop_ops_per_batch: opsPerBatch,
  };
}
