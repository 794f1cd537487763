// Where the Parzen score of the Bengio 2015 model is lost: the prior over h2, or the decoders?
// Scores 10,000 sample sets made from the first 10,000 training digits with a trained model:
//   data        the digits themselves (the ceiling of the protocol)
//   recon_h1    g1(h1), h1 from INFERENCE(x): what the bottom decoder makes of a digit's own h1
//   recon_h2    g1(g2(h2)), h2 from INFERENCE(x): a directed sample whose h2 comes from the aggregate posterior
//   chain_h2    GENERATE's rounds (3, alpha 0.3) started from that same decoded h2
//   directed    g1(g2(h2)), h2 ~ the fitted diagonal Gaussian (variance x VSCALE)
//   generate    GENERATE from the fitted prior
// Same protocol as eval.parzen: sigma chosen on 1,000 validation digits, mean +/- stderr on the 10,000 test digits.
//   npx tsx docs/experiments/parzen-decomposition.mts   (env: WEIGHTS=runs/e20/model.weights.json, VSCALE=4, DATA_DIR)
import type * as TF from '@tensorflow/tfjs';
import { initBackend } from '../../nodes/runtime/backend.ts';
import { loadMnist, splitTrainValid } from '../../nodes/runtime/data/mnist.ts';
import { infer } from '../../nodes/runtime/bengio2015/inference.ts';
import { DEFAULT_SIGMA_GRID, parzenEvaluate } from '../../nodes/runtime/bengio2015/parzen.ts';
import { fitPrior, generateChain } from '../../nodes/runtime/bengio2015/sample.ts';
import { readWeights } from '../../nodes/runtime/bengio2015/weights.ts';

const { tf, name } = await initBackend('wasm');
const model = await readWeights(tf, process.env.WEIGHTS ?? 'runs/e20/model.weights.json', 1);
const m = await loadMnist({ dir: process.env.DATA_DIR ?? '../shared/data/mnist' });
const sp = splitTrainValid(m.train, 10000);
const K = 10000;
const spec = { method: 'targetprop' as const, steps: 15, delta: 0.1, alpha: 0.001, noise: 0 };
const chain = { rounds: 3, alpha: 0.3, inference: spec };
const valid = { x: sp.valid.images.subarray(0, 1000 * 784), n: 1000 };
const test = { x: m.test.images, n: m.test.n };
console.log(JSON.stringify({ backend: name, weights: process.env.WEIGHTS ?? 'runs/e20/model.weights.json' }));

/** Builds K samples 500 at a time from the training digits x (a [n,784] batch) and scores them. */
async function score(label: string, make: (x: TF.Tensor2D, seed: number) => TF.Tensor2D): Promise<void> {
  const t0 = performance.now();
  const parts: TF.Tensor2D[] = [];
  for (let s = 0; s < K; s += 500) {
    const x = tf.tensor2d(sp.train.images.subarray(s * 784, (s + 500) * 784), [500, 784]);
    parts.push(make(x, 1000 + s));
    x.dispose();
  }
  const centres = tf.concat(parts) as TF.Tensor2D;
  for (const p of parts) p.dispose();
  const r = await parzenEvaluate(tf, centres, valid, test, DEFAULT_SIGMA_GRID);
  centres.dispose();
  console.log(JSON.stringify({ set: label, ll: +r.ll.toFixed(1), stderr: +r.stderr.toFixed(1), sigma: r.sigma, s: Math.round((performance.now() - t0) / 1000) }));
}

const decodeTop = (x: TF.Tensor2D): TF.Tensor2D => {
  const hs = infer(tf, model, x, spec);
  const out = model.decode(hs[1]);
  for (const h of hs) h.dispose();
  return out;
};

await score('data', (x) => x.clone());
await score('recon_h1', (x) => {
  const hs = infer(tf, model, x, spec);
  const out = model.g[0].apply(hs[0]);
  for (const h of hs) h.dispose();
  return out;
});
await score('recon_h2', decodeTop);
await score('chain_h2', (x, seed) => {
  let cur = decodeTop(x);
  for (let r = 0; r < chain.rounds; r++) {
    const hs = infer(tf, model, cur, spec, { alpha: chain.alpha, seed: seed + 101 * (r + 1) });
    cur.dispose();
    cur = model.g[0].apply(hs[0]);
    for (const h of hs) h.dispose();
  }
  return cur;
});
const scale = Number(process.env.VSCALE ?? 4);
const trainSet = { images: sp.train.images, labels: sp.train.labels, n: sp.train.n, dim: 784 };
const prior = await fitPrior(tf, model, trainSet, { source: 'inference', inference: spec, varianceScale: scale, batchSize: 500, seed: 7 });
await score(`directed_x${scale}`, (x, seed) => tf.tidy(() => model.decode(prior.sample(tf, x.shape[0], seed))));
await score(`generate_x${scale}`, (x, seed) => generateChain(tf, model, prior, x.shape[0], chain, seed));
