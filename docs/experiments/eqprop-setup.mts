// The published EqProp protocol's setting, shared by eqprop-protocol.mts and eqprop-readout.mts: the seeded random
// stream (env SEED), MNIST split into the first 50,000 training digits (NTRAIN=60000: all of them), the last 10,000
// as validation digits and the test digits, a 784-500-10 hard-sigmoid network with Glorot weights, the free (20
// steps) and nudged (4 steps, β 0.5 with a random sign, C = ||y − t||²) dynamics, and stored states for the
// validation and test digits.
import { initBackend } from '../../nodes/runtime/backend.ts';
import { type Split, loadMnist, splitTrainValid } from '../../nodes/runtime/data/mnist.ts';
import type { EbmDataset } from '../../nodes/runtime/ebm/data.ts';
import { PersistentStates } from '../../nodes/runtime/ebm/eqprop.ts';
import { initNetwork } from '../../nodes/runtime/ebm/network.ts';
import { makeRng } from '../../nodes/runtime/random.ts';

export async function publishedSetup() {
  const seed = Number(process.env.SEED ?? 1);
  const nTrain = Number(process.env.NTRAIN ?? 50000);
  const random = makeRng((seed * 2654435761) >>> 0);
  const nextSeed = () => Math.floor(random() * 2 ** 31);
  const { tf, name } = await initBackend('wasm');
  const m = await loadMnist({ dir: process.env.DATA_DIR ?? '../shared/data/mnist' });
  const sp = splitTrainValid(m.train, 10000);
  const ds = (s: Split, d: string): EbmDataset => ({ type: 'dataset', images: s.images, labels: s.labels, n: s.n, inputSize: 784, classes: 10, description: d });
  const trainSet = ds(nTrain >= 60000 ? m.train : sp.train, 'train');
  const valid = ds(sp.valid, 'valid');
  const test = ds(m.test, 'test');
  const net = initNetwork(tf, [784, 500, 10], 'hard_sigmoid', { init: 'glorot_uniform', scale: 1, bias: 0, seed: nextSeed });
  const free = { type: 'ebm.dynamics' as const, epsilon: 0.5, sigma: 0, steps: 20, form: 'clipped' as const };
  const nudged = { ...free, steps: 4, nudge: { beta: 0.5, randomSign: true, cost: 'squared' as const } };
  const vS = new PersistentStates(net.sizes, valid.n);
  const tS = new PersistentStates(net.sizes, test.n);
  return { tf, name, seed, nTrain, random, nextSeed, trainSet, valid, test, net, free, nudged, vS, tS };
}
