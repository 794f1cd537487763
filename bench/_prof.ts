import { initBackend } from '/work/main/nodes/runtime/backend.ts';
const { tf } = await initBackend('wasm');
const B=100;
const x = tf.randomUniform([B,784]); const h1 = tf.randomUniform([B,1000]); const h2 = tf.randomUniform([B,100]);
const W1 = tf.randomUniform([784,1000],-0.05,0.05); const b1 = tf.zeros([1000]);
const V1 = tf.randomUniform([1000,784],-0.05,0.05); const c1 = tf.zeros([784]);
function time(name: string, f: () => any, reps=30) {
  for (let i=0;i<3;i++){ const r=f(); (r as any).dataSync(); tf.dispose(r);}
  const t0=performance.now();
  for (let i=0;i<reps;i++){ const r=f(); (r as any).dataSync(); tf.dispose(r);}
  console.log(name.padEnd(40), ((performance.now()-t0)/reps).toFixed(2),'ms');
}
time('matMul h1 V1', ()=>tf.matMul(h1,V1));
time('fused matMul h1 V1 + bias sigmoid', ()=>tf.fused.matMul({a:h1,b:V1,bias:c1,activation:'sigmoid'}));
time('fused matMul x W1 + bias', ()=>tf.fused.matMul({a:x,b:W1,bias:b1}));
time('softplus [100,1000]', ()=>tf.softplus(h1));
time('sigmoid [100,1000]', ()=>tf.sigmoid(h1));
time('add [100,1000]', ()=>tf.add(h1,h1));
time('mul scalar [100,1000]', ()=>tf.mul(h1,0.1));
time('matMul transposeA x^T dz', ()=>tf.matMul(x,h1,true,false));
time('matMul transposeB dz W^T', ()=>tf.matMul(h1,W1,false,true));
time('transpose(x) then matMul', ()=>tf.tidy(()=>tf.matMul(tf.transpose(x),h1)));
time('transpose(W1) then matMul', ()=>tf.tidy(()=>tf.matMul(h1,tf.transpose(W1))));
time('softplus via relu+log1p(exp(-|z|))', ()=>tf.tidy(()=>tf.add(tf.relu(h1), tf.log1p(tf.exp(tf.neg(tf.abs(h1)))))));
const xt = tf.transpose(x);
time('matMul xT[784,100] h1[100,1000]', ()=>tf.matMul(xt,h1));
time('transpose x [100,784]', ()=>tf.transpose(x));
