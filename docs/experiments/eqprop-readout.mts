// Equilibrium Propagation (published protocol, as eqprop-protocol.mts) measuring, after every epoch, how the test
// digits' answer depends on where the free relaxation starts and how the output is read:
//   - start: zero states (the example), the test digits' own stored states (the published validation protocol),
//     a bottom-up pass (h = clip(xW0 + b0), y = clip(hW1 + b1)), and whichever of zero / stored / bottom-up ends
//     at the lowest energy E(s) for that digit;
//   - readout: argmax of the clipped output states (ties go to the lowest class, as argmax does) and argmax of the
//     output units' drive Σ_j W_jy ρ(h_j) + b_y at the fixed point (the same fixed point, never clipped, so no ties);
//   - ties: how many digits have two or more outputs at the maximum of their clipped states.
// The validation digits (the last 10,000 of the training file) are followed from their stored states and read both
// ways (valid_stored: argmax of the states, valid_stored_input: the input readout).
//   npx tsx docs/experiments/eqprop-readout.mts     (env: SEED, EPOCHS, NTRAIN, DATA_DIR, SAVE=weights.bin)
// Prints one JSON line per epoch. See docs/results.md.
import { writeFile } from 'node:fs/promises';
import type * as TF from '@tensorflow/tfjs';
import { batchInputs, evaluate, train } from '../../nodes/runtime/ebm/eqprop.ts';
import { type EbmNetwork, clampInput, disposeAll, drives, energy, relax, zeroStates } from '../../nodes/runtime/ebm/network.ts';
import { publishedSetup } from './eqprop-setup.mts';

const epochs = Number(process.env.EPOCHS ?? 25);
const { tf, name, seed, nTrain, random, nextSeed, trainSet, valid, test, net, free, nudged, vS, tS } = await publishedSetup();

type Start = 'zero' | 'stored' | 'bottom_up';
const STARTS: Start[] = ['zero', 'stored', 'bottom_up'];

function bottomUp(n: EbmNetwork, xW0: TF.Tensor2D): TF.Tensor2D[] {
  return tf.tidy(() => {
    const h = tf.clipByValue(tf.add(xW0, n.b[0]), 0, 1) as TF.Tensor2D;
    const y = tf.clipByValue(tf.add(tf.matMul(h, n.W[1]), n.b[1]), 0, 1) as TF.Tensor2D;
    return [h, y];
  });
}

/** Every start and readout over the test digits; the stored states advance by 20 steps (as evaluate() with states does). */
function measure(n: EbmNetwork) {
  const B = 500;
  const wrong = { state: {} as Record<string, number>, drive: {} as Record<string, number> };
  const ties: Record<string, number> = {};
  let lowest = { zero: 0, stored: 0, bottom_up: 0 };
  let storedBelowZero = 0;
  for (const k of [...STARTS, 'lowest_energy']) {
    wrong.state[k] = 0;
    wrong.drive[k] = 0;
    ties[k] = 0;
  }
  for (let start = 0; start < test.n; start += B) {
    const idx = new Int32Array(Math.min(B, test.n - start)).map((_, i) => start + i);
    const { x, labels } = batchInputs(tf, test, idx);
    const clamp = clampInput(tf, n, x);
    const fixed: Record<string, TF.Tensor2D[]> = {};
    for (const s of STARTS) {
      const init = s === 'zero' ? zeroStates(tf, n, idx.length) : s === 'stored' ? tS.gather(tf, idx) : bottomUp(n, clamp.xW0);
      fixed[s] = relax(tf, n, clamp, free, init, s === 'stored' ? free.steps : 50);
      if (s === 'stored') tS.scatter(fixed[s], idx);
      disposeAll(init);
    }
    const E = Object.fromEntries(STARTS.map((s) => [s, energy(tf, n, clamp, fixed[s]).dataSync()]));
    // Per digit, the start whose fixed point has the lowest energy (first on equal energy, in STARTS order).
    const pick = Array.from(idx, (_, r) => STARTS.reduce((a, s) => (E[s][r] < E[a][r] ? s : a), STARTS[0]));
    for (let r = 0; r < idx.length; r++) {
      lowest = { ...lowest, [pick[r]]: lowest[pick[r]] + 1 };
      if (E.stored[r] < E.zero[r] - 1e-4) storedBelowZero++;
    }
    const read = (s: TF.Tensor2D[]) => {
      const y = s[1].arraySync() as number[][];
      const d = tf.tidy(() => drives(tf, n, clamp, s)[1]).arraySync() as number[][];
      return { y, d };
    };
    const outs = Object.fromEntries(STARTS.map((s) => [s, read(fixed[s])]));
    const argmax = (v: number[]) => v.reduce((a, x, i) => (x > v[a] ? i : a), 0);
    const tally = (k: string, y: number[], d: number[], label: number) => {
      const top = Math.max(...y);
      if (y.filter((v) => v === top).length > 1) ties[k]++;
      if (argmax(y) !== label) wrong.state[k]++;
      if (argmax(d) !== label) wrong.drive[k]++;
    };
    for (let r = 0; r < idx.length; r++) {
      for (const s of STARTS) tally(s, outs[s].y[r], outs[s].d[r], labels[r]);
      tally('lowest_energy', outs[pick[r]].y[r], outs[pick[r]].d[r], labels[r]);
    }
    for (const s of STARTS) disposeAll(fixed[s]);
    clamp.dispose();
    x.dispose();
  }
  const pct = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, +((100 * v) / test.n).toFixed(2)]));
  return { error_state: pct(wrong.state), error_drive: pct(wrong.drive), ties_pct: pct(ties), lowest_energy_start: lowest, stored_below_zero: storedBelowZero };
}

console.log(JSON.stringify({ backend: name, seed, nTrain, epochs }));
await train(tf, net, trainSet, {
  epochs, batchSize: 20, persistent: true, shuffle: false, free, nudged,
  rule: { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.05], direction: 'both' }, readout: 'state', random, nextSeed,
  onEpoch: async (e, r) => {
    const v = await evaluate(tf, net, valid, free, { batchSize: 500, cost: 'squared', readout: 'input', seed: nextSeed, states: vS });
    console.log(JSON.stringify({ epoch: e + 1, train: r.trainError, valid_stored: v.errorByState, valid_stored_input: v.error, ...measure(net), s: Math.round(r.seconds) }));
  },
});
if (process.env.SAVE) {
  const parts = [...net.W, ...net.b].map((t) => t.dataSync() as Float32Array);
  await writeFile(process.env.SAVE, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
}
