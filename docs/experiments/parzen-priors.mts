// Richer priors over h2 for a trained Bengio 2015 model: full-covariance Gaussian mixtures with 1..K components
// (k-means, then each cluster's full covariance, scaled by VSCALE), scored with directed sampling and GENERATE
// (ROUNDS rounds of inference at ALPHA; the paper: 3 and 0.3) under the Parzen protocol of eval.parzen. The paper's prior is a diagonal Gaussian (x4).
//   npx tsx docs/experiments/parzen-priors.mts   (env: WEIGHTS=runs/e20/model.weights.json, COMPONENTS=1,10,100,
//                                                 VSCALES=1, SAMPLERS=directed,generate, ROUNDS=3, ALPHA=0.3, DATA_DIR)
import type * as TF from '@tensorflow/tfjs';
import { initBackend } from '../../nodes/runtime/backend.ts';
import { loadMnist, splitTrainValid } from '../../nodes/runtime/data/mnist.ts';
import { MIXTURE_ITERATIONS, MIXTURE_RIDGE, fitMixture } from '../../nodes/runtime/bengio2015/mixture.ts';
import { DEFAULT_SIGMA_GRID, parzenEvaluate } from '../../nodes/runtime/bengio2015/parzen.ts';
import { generateChain, topLayer } from '../../nodes/runtime/bengio2015/sample.ts';
import { readWeights } from '../../nodes/runtime/bengio2015/weights.ts';

const list = (v: string | undefined, d: string): string[] => (v ?? d).split(',');
const weights = process.env.WEIGHTS ?? 'runs/e20/model.weights.json';
const { tf, name } = await initBackend('wasm');
const model = await readWeights(tf, weights, 1);
const m = await loadMnist({ dir: process.env.DATA_DIR ?? '../shared/data/mnist' });
const sp = splitTrainValid(m.train, 10000);
const rounds = Number(process.env.ROUNDS ?? 3);
const alpha = Number(process.env.ALPHA ?? 0.3);
const spec = { method: 'targetprop' as const, steps: 15, delta: 0.1, alpha: 0.001, noise: 0 };
const valid = { x: sp.valid.images.subarray(0, 1000 * 784), n: 1000 };
const test = { x: m.test.images, n: m.test.n };
console.log(JSON.stringify({ backend: name, weights }));

// h2 after inference for the 50,000 training digits (what the Top prior node fits to).
const N = sp.train.n;
const D = model.arch.sizes[model.depth];
const H = await topLayer(tf, model, { images: sp.train.images, n: N, dim: 784 }, { source: 'inference', inference: spec, batchSize: 500, seed: 7 });

for (const k of list(process.env.COMPONENTS, '1,10,100').map(Number)) {
  for (const scale of list(process.env.VSCALES, '1').map(Number)) {
    const t0 = performance.now();
    const prior = await fitMixture(tf, H, N, D, { components: k, diagonal: false, iterations: MIXTURE_ITERATIONS, varianceScale: scale, ridge: MIXTURE_RIDGE, seed: 11 });
    for (const sampler of list(process.env.SAMPLERS, 'directed,generate')) {
      const parts: TF.Tensor2D[] = [];
      for (let s = 0; s < 10000; s += 500) {
        const seed = 1000 + s;
        parts.push(sampler === 'generate' ? generateChain(tf, model, prior, 500, { rounds, alpha, inference: spec }, seed) : tf.tidy(() => model.decode(prior.sample(tf, 500, seed))));
      }
      const centres = tf.concat(parts) as TF.Tensor2D;
      for (const p of parts) p.dispose();
      const r = await parzenEvaluate(tf, centres, valid, test, DEFAULT_SIGMA_GRID);
      centres.dispose();
      console.log(JSON.stringify({ components: prior.components, scale, sampler, ...(sampler === 'generate' ? { rounds, alpha } : {}), ll: +r.ll.toFixed(1), stderr: +r.stderr.toFixed(1), sigma: r.sigma, valid_ll: +Math.max(...r.validLL).toFixed(1), s: Math.round((performance.now() - t0) / 1000) }));
    }
    prior.dispose();
  }
}
