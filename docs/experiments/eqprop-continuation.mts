// Does a continuation in the network's gain reach the test digits' better (stored-state) fixed points from zero?
// Loads the weights saved by eqprop-readout.mts (SAVE=weights.bin) and relaxes the 10,000 test digits from zero
// through networks whose weights and biases are scaled by λ (each λ of the schedule for STEPS steps, 20 by
// default), then 50 steps with the trained network, and reads the class both ways (argmax of the output states,
// and the output units' input). λ = [] is the plain relaxation from zero of the example's test_error.
//   W=weights.bin npx tsx docs/experiments/eqprop-continuation.mts     (env: W, STEPS, DATA_DIR)
// Prints one JSON line per schedule. See docs/results.md.
import { readFile } from 'node:fs/promises';
import { initBackend } from '../../nodes/runtime/backend.ts';
import { loadMnist } from '../../nodes/runtime/data/mnist.ts';
import { batchInputs } from '../../nodes/runtime/ebm/eqprop.ts';
import { clampInput, disposeAll, drives, makeNetwork, relax, zeroStates } from '../../nodes/runtime/ebm/network.ts';

const { tf } = await initBackend('wasm');
const buf = await readFile(process.env.W ?? 'weights.bin');
const f = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
let at = 0;
const take = (n: number) => f.slice(at, (at += n));
// eqprop-readout.mts writes W0, W1, b0, b1 in that order.
const [W0, W1, b0, b1] = [take(784 * 500), take(500 * 10), take(500), take(10)];
const netAt = (lam: number) =>
  makeNetwork(
    tf,
    [784, 500, 10],
    'hard_sigmoid',
    [tf.tensor2d(W0.map((v) => v * lam), [784, 500]), tf.tensor2d(W1.map((v) => v * lam), [500, 10])],
    [tf.tensor1d(b0.map((v) => v * lam)), tf.tensor1d(b1.map((v) => v * lam))],
  );
const m = await loadMnist({ dir: process.env.DATA_DIR ?? '../shared/data/mnist' });
const test = { type: 'dataset' as const, images: m.test.images, labels: m.test.labels, n: m.test.n, inputSize: 784, classes: 10, description: 'test' };
const free = { type: 'ebm.dynamics' as const, epsilon: 0.5, sigma: 0, steps: 20, form: 'clipped' as const };
const steps = Number(process.env.STEPS ?? 20);
const schedules: Record<string, number[]> = {
  zero: [],
  'λ 0.2…0.8': [0.2, 0.4, 0.6, 0.8],
  'λ 0.1…0.9': [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
  'λ 0.5…0.9': [0.5, 0.6, 0.7, 0.8, 0.9],
};
const nets = new Map([...new Set(Object.values(schedules).flat()), 1].map((l) => [l, netAt(l)]));
const full = nets.get(1)!;
for (const [name, schedule] of Object.entries(schedules)) {
  let wrongState = 0;
  let wrongInput = 0;
  for (let start = 0; start < test.n; start += 500) {
    const idx = new Int32Array(Math.min(500, test.n - start)).map((_, i) => start + i);
    const { x, labels } = batchInputs(tf, test, idx);
    let s = zeroStates(tf, full, idx.length);
    for (const lam of [...schedule, 1]) {
      const net = nets.get(lam)!;
      const clamp = clampInput(tf, net, x);
      const next = relax(tf, net, clamp, free, s, lam === 1 ? 50 : steps);
      disposeAll(s);
      s = next;
      if (lam === 1) {
        const byState = tf.tidy(() => tf.argMax(s[1], 1).dataSync());
        const byInput = tf.tidy(() => tf.argMax(drives(tf, net, clamp, s)[1], 1).dataSync());
        for (let r = 0; r < idx.length; r++) {
          if (byState[r] !== labels[r]) wrongState++;
          if (byInput[r] !== labels[r]) wrongInput++;
        }
      }
      clamp.dispose();
    }
    disposeAll(s);
    x.dispose();
  }
  console.log(JSON.stringify({ schedule: name, error_state: (100 * wrongState) / test.n, error_input: (100 * wrongInput) / test.n }));
}
