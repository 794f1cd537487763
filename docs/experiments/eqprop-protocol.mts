// Equilibrium Propagation with the published code's protocol (Scellier & Bengio 2016), measured three ways after
// every epoch: the 10,000 validation digits (the last of the training file) and the 10,000 test digits from their
// own stored states (20 more free steps per epoch, as the published code measures), and the test digits relaxed
// from zero (50 steps). Trains on the first 50,000 training digits (NTRAIN=60000: all of them).
//   npx tsx docs/experiments/eqprop-protocol.mts            (env: SEED, EPOCHS, NTRAIN, LRS, RULE=eqprop|stdp, DATA_DIR,
//                                                            READOUT=state|input: state, the published measure, by default,
//                                                            ORDER=file|once|epoch: the published code's file order, one
//                                                            random order kept for every epoch, or a new one each epoch)
// Prints one JSON line per epoch. ZERO_STEPS=50,200,1000 adds a last line: the test digits relaxed from zero for each
// of those numbers of free steps with the final weights (does relaxing longer close the gap to the stored states?).
// See docs/results.md.
import { evaluate, train } from '../../nodes/runtime/ebm/eqprop.ts';
import { permutation } from '../../nodes/runtime/random.ts';
import { publishedSetup } from './eqprop-setup.mts';
const epochs = Number(process.env.EPOCHS ?? 25);
const form = (process.env.RULE ?? 'eqprop') as 'eqprop' | 'stdp';
const lrs = (process.env.LRS ?? '0.1,0.05').split(',').map(Number);
const readout = (process.env.READOUT ?? 'state') as 'state' | 'input';
const order = (process.env.ORDER ?? 'file') as 'file' | 'once' | 'epoch';
const { tf, name, seed, nTrain, random, nextSeed, trainSet: inFileOrder, valid, test, net, free, nudged, vS, tS } = await publishedSetup();
// ORDER=once: the training digits permuted once, then visited in that order every epoch.
const trainSet = order === 'once' ? permuted(inFileOrder, permutation(inFileOrder.n, random)) : inFileOrder;
function permuted(d: typeof inFileOrder, p: Int32Array): typeof inFileOrder {
  const images = new Float32Array(d.images.length);
  p.forEach((from, to) => images.set(d.images.subarray(from * d.inputSize, (from + 1) * d.inputSize), to * d.inputSize));
  return { ...d, images, labels: Uint8Array.from(p, (from) => d.labels[from]) };
}
console.log(JSON.stringify({ backend: name, seed, nTrain, lrs, form, order }));
await train(tf, net, trainSet, {
  epochs, batchSize: 20, persistent: true, shuffle: order === 'epoch', free, nudged,
  rule: { type: 'ebm.rule', form, lrs, direction: 'both' }, readout, random, nextSeed,
  onEpoch: async (e, r) => {
    const o = { batchSize: 500, cost: 'squared' as const, readout, seed: nextSeed };
    const v = await evaluate(tf, net, valid, free, { ...o, states: vS });
    const t = await evaluate(tf, net, test, free, { ...o, states: tS });
    const z = await evaluate(tf, net, test, { ...free, steps: 50 }, o);
    console.log(JSON.stringify({ epoch: e + 1, train: r.trainError, valid_stored: v.error, test_stored: t.error, test_zero: z.error, s: Math.round(r.seconds) }));
  },
});
if (process.env.ZERO_STEPS) {
  const o = { batchSize: 500, cost: 'squared' as const, readout, seed: nextSeed };
  const zero: Record<string, number> = {};
  for (const steps of process.env.ZERO_STEPS.split(',').map(Number)) zero[steps] = (await evaluate(tf, net, test, { ...free, steps }, o)).error;
  console.log(JSON.stringify({ test_zero_by_steps: zero }));
}
