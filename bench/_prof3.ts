import { initBackend } from '../nodes/runtime/backend.ts';
import { HierarchicalModel, type ModuleSpec } from '../nodes/runtime/bengio2015/model.ts';
import { infer } from '../nodes/runtime/bengio2015/inference.ts';
import { LocalTrainer } from '../nodes/runtime/bengio2015/train.ts';
const { tf } = await initBackend('wasm');
const mod = (node: string, inUnits: number, outUnits: number, activation: ModuleSpec['activation']): ModuleSpec => ({ node, inUnits, outUnits, activation, initGain: 1, lr: null });
const model = new HierarchicalModel(tf, { sizes:[784,1000,100], encoders: [mod('f1', 784, 1000, 'softplus'), mod('f2', 1000, 100, 'sigmoid')], decoders: [mod('g1', 1000, 784, 'sigmoid'), mod('g2', 100, 1000, 'softplus')] }, 7);
const x = tf.randomUniform([100,784]);
const spec = { method: 'targetprop' as const, steps: 15, delta: 0.1, alpha: 0.001, noise: 0 };
function time(name: string, f: () => any, reps=10) {
  for (let i=0;i<2;i++){ const r=f(); tf.dispose(r);}
  const t0=performance.now();
  for (let i=0;i<reps;i++){ const r=f(); (Array.isArray(r)? r[0]: r)?.dataSync?.(); tf.dispose(r);}
  console.log(name.padEnd(40), ((performance.now()-t0)/reps).toFixed(2),'ms');
}
time('infer N=0', ()=>infer(tf, model, x, spec, {steps:0}));
time('infer N=15', ()=>infer(tf, model, x, spec));
time('g1 apply', ()=>model.g[0].apply(model.f[0].apply(x)));
time('f1 apply', ()=>model.f[0].apply(x));
const h1 = model.f[0].apply(x);
time('f1 localGradients', ()=>{ const r = model.f[0].localGradients(x, h1); r.loss.dataSync(); return [r.loss, ...Object.values(r.grads)]; });
time('g1 localGradients', ()=>{ const r = model.g[0].localGradients(h1, x); r.loss.dataSync(); return [r.loss, ...Object.values(r.grads)]; });
const tr = new LocalTrainer(tf, model, { epochs:1, batchSize:100, optimizer:'adam', lr:1e-4, warmupBatches:0, inference: spec, corruption: {0:{kind:'gaussian',sigma:0.3},1:{kind:'gaussian',sigma:0.03},2:{kind:'spike',samples:3}} });
time('train step N=15', ()=>{ tr.step(x, 1); tr.takeLosses(); return null; });
const tr0 = new LocalTrainer(tf, model, { epochs:1, batchSize:100, optimizer:'adam', lr:1e-4, warmupBatches:1e9, inference: spec, corruption: {0:{kind:'gaussian',sigma:0.3},1:{kind:'gaussian',sigma:0.03},2:{kind:'spike',samples:3}} });
time('train step N=0', ()=>{ tr0.step(x, 1); tr0.takeLosses(); return null; });
