import { initBackend } from '../nodes/runtime/backend.ts';
const { tf } = await initBackend('wasm');
const h1 = tf.randomNormal([100,1000], 0, 3);
function time(name: string, f: () => any, reps=50) {
  for (let i=0;i<3;i++){ const r=f(); (r as any).dataSync(); tf.dispose(r);}
  const t0=performance.now();
  for (let i=0;i<reps;i++){ const r=f(); (r as any).dataSync(); tf.dispose(r);}
  console.log(name.padEnd(40), ((performance.now()-t0)/reps).toFixed(2),'ms');
}
for (const [n,f] of Object.entries({softplus: (z:any)=>tf.softplus(z), sigmoid:(z:any)=>tf.sigmoid(z), exp:(z:any)=>tf.exp(z), log1p:(z:any)=>tf.log1p(tf.abs(z)), log:(z:any)=>tf.log(tf.abs(z)), neg:(z:any)=>tf.neg(z), abs:(z:any)=>tf.abs(z), relu:(z:any)=>tf.relu(z), elu: (z:any)=>tf.elu(z), 
  negLogSigNeg: (z:any)=>tf.tidy(()=>tf.neg(tf.log(tf.sigmoid(tf.neg(z))))),
})) time(n, ()=>f(h1));
const a = tf.softplus(h1).dataSync(); const b = tf.neg(tf.log(tf.sigmoid(tf.neg(h1)))).dataSync();
let m=0; for (let i=0;i<a.length;i++) m=Math.max(m, Math.abs(a[i]-b[i])/(1e-6+Math.abs(a[i]))); console.log('max rel diff', m);
