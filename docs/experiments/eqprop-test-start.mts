// Does the test relaxation's start or noise change the from-zero test error of a trained EqProp network?
// Reads a network saved by the example's Save network node (NET=OUT/eqprop.network.json) and relaxes the 10,000
// test digits (ε = 0.5, clipped) through a schedule of phases, each [σ, steps] (Langevin noise σ·sqrt(ε)·N(0,1)
// per step, σ = 0 deterministic), starting from constant states (INIT, one value per layer: [0, 0] is the
// example's start from zero). Reads the class both ways (output units' input, and argmax of the output states).
// With CLAMPED=1 it also reads each digit the energy-based way: the output layer clamped to each one-hot label in
// turn, the hidden layer relaxed for 50 steps from zero, and the label whose fixed point has the lowest energy E.
//   NET=/tmp/runs/x/eqprop.network.json npx tsx docs/experiments/eqprop-test-start.mts
//   (env: NET, INIT='[0.5, 0]', SCHED='{"name": [[sigma, steps], ...], ...}', CLAMPED=1, DATA_DIR)
// Prints one JSON line per schedule. See docs/results.md.
import type * as TF from '@tensorflow/tfjs';
import { initBackend } from '../../nodes/runtime/backend.ts';
import { loadMnist } from '../../nodes/runtime/data/mnist.ts';
import type { EbmDataset } from '../../nodes/runtime/ebm/data.ts';
import { batchInputs, predict } from '../../nodes/runtime/ebm/eqprop.ts';
import { type EbmNetwork, clampInput, disposeAll, energy, oneHot, relax } from '../../nodes/runtime/ebm/network.ts';
import { readNetwork } from '../../nodes/runtime/ebm/weights.ts';

const { tf } = await initBackend('wasm');
const net: EbmNetwork = await readNetwork(tf, process.env.NET ?? 'eqprop.network.json');
const m = await loadMnist({ dir: process.env.DATA_DIR ?? '../shared/data/mnist' });
const test: EbmDataset = { type: 'dataset', images: m.test.images, labels: m.test.labels, n: m.test.n, inputSize: 784, classes: 10, description: 'test' };
const init = JSON.parse(process.env.INIT ?? '[0, 0]') as number[];
const schedules = JSON.parse(
  process.env.SCHED ?? '{"deterministic": [[0, 50]], "noise 0.1": [[0.1, 30], [0, 50]], "noise 0.3": [[0.3, 30], [0, 50]], "annealed from 1": [[1, 20], [0.3, 20], [0.1, 20], [0, 50]]}',
) as Record<string, [number, number][]>;
let seed = 7;

for (const [name, phases] of Object.entries(schedules)) {
  let wrong = 0;
  let wrongByState = 0;
  let ties = 0;
  for (let start = 0; start < test.n; start += 500) {
    const idx = new Int32Array(Math.min(500, test.n - start)).map((_, i) => start + i);
    const { x, labels } = batchInputs(tf, test, idx);
    const clamp = clampInput(tf, net, x);
    let s = net.sizes.slice(1).map((k, l) => tf.fill([idx.length, k], init[l] ?? 0) as TF.Tensor2D);
    for (const [sigma, steps] of phases) {
      const next = relax(tf, net, clamp, { type: 'ebm.dynamics', epsilon: 0.5, sigma, steps, form: 'clipped' }, s, steps, { seed: () => seed++ });
      disposeAll(s);
      s = next;
    }
    const p = predict(tf, net, clamp, s, 'input');
    for (let r = 0; r < labels.length; r++) {
      if (p.pred[r] !== labels[r]) wrong++;
      if (p.byState[r] !== labels[r]) wrongByState++;
      ties += p.tied[r];
    }
    disposeAll(s);
    clamp.dispose();
    x.dispose();
  }
  console.log(JSON.stringify({ schedule: name, init, error: wrong / test.n, error_by_state: wrongByState / test.n, ties: ties / test.n }));
}

/** The label whose clamped one-hot output gives the lowest energy once the hidden layer has relaxed (one hidden layer). */
function clampedLabelError(): number {
  let wrong = 0;
  const [, nHidden, nOut] = net.sizes;
  for (let start = 0; start < test.n; start += 500) {
    const idx = new Int32Array(Math.min(500, test.n - start)).map((_, i) => start + i);
    const { x, labels } = batchInputs(tf, test, idx);
    const clamp = clampInput(tf, net, x);
    const E: Float32Array[] = [];
    for (let c = 0; c < nOut; c++) {
      const y = oneHot(tf, new Array<number>(idx.length).fill(c), nOut);
      // The hidden layer's drive from the clamped input and output: x·W0 + b0 + y·W1ᵀ; clipped steps of ε = 0.5.
      const drive = tf.tidy(() => tf.add(tf.add(clamp.xW0, net.b[0]), tf.matMul(y, net.W[1], false, true)));
      let h = tf.zeros([idx.length, nHidden]) as TF.Tensor2D;
      for (let t = 0; t < 50; t++) {
        const next = tf.tidy(() => tf.clipByValue(tf.add(tf.mul(h, 0.5), tf.mul(drive, 0.5)), 0, 1) as TF.Tensor2D);
        h.dispose();
        h = next;
      }
      const e = energy(tf, net, clamp, [h, y]);
      E.push(e.dataSync() as Float32Array);
      disposeAll([e, h, y, drive]);
    }
    for (let r = 0; r < idx.length; r++) {
      let best = 0;
      for (let c = 1; c < nOut; c++) if (E[c][r] < E[best][r]) best = c;
      if (best !== labels[r]) wrong++;
    }
    clamp.dispose();
    x.dispose();
  }
  return wrong / test.n;
}

if (process.env.CLAMPED === '1') {
  if (net.sizes.length !== 3) throw new Error('CLAMPED=1 reads networks with one hidden layer');
  console.log(JSON.stringify({ readout: 'clamped label, lowest energy', error: clampedLabelError() }));
}
