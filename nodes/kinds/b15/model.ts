import { defineKind, many, one } from '../../core/kind.ts';
import type { JsonObject } from '../../core/json.ts';
import { MAX_WEIGHTS, weightCount } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { type ModuleInfo, layerInfo } from './layer-info.ts';

export const Hierarchy = 'model.hierarchy';

export const hierarchyKind = defineKind({
  kind: Hierarchy,
  version: 1,
  title: 'Hierarchical model',
  category: 'layers',
  doc: 'Gathers a stack of encoders f_1..f_L (followed down from the top layer) and one decoder g_l per layer into a model with weights, initialised with Glorot uniform scale times each module\'s gain and zero biases.',
  equation: 'Bengio et al. 2015, Sec. 4 and 8 (x - h1 - h2 with f and g)',
  keywords: ['autoencoder', 'stacked autoencoders'],
  inputs: {
    top: port('layer', { doc: 'The top layer h_L; the encoders below it are found by following its wires down.' }),
    decoders: port('decoder', { multiple: true, doc: 'One decoder g_l for every layer l = 1..L.' }),
  },
  outputs: { model: port('model') },
  params: {},
  compile: (ctx, inputs) => {
    const top = layerInfo(one(inputs, 'top'));
    if (top.index < 1) {
      ctx.error('the top layer must be above x: wire the output of the highest encoder here', 'top');
      return null;
    }
    const decoders: (ModuleInfo | undefined)[] = new Array(top.index).fill(undefined);
    for (const d of many(inputs, 'decoders')) {
      const info = d.info as { level: number; root: string; top: string; module: ModuleInfo };
      const chain = top.path.slice(0, info.level).map((m) => m.node).join('/');
      if (info.root !== top.root || info.level > top.index || info.top !== chain) {
        ctx.error(`decoder ${info.module.node} belongs to another stack than the layer wired to top`, 'decoders');
        continue;
      }
      if (decoders[info.level - 1]) {
        ctx.error(`layer h${info.level} has two decoders (${decoders[info.level - 1]!.node} and ${info.module.node}); keep one`, 'decoders');
        continue;
      }
      decoders[info.level - 1] = info.module;
    }
    const missing = decoders.map((d, i) => (d ? null : `g${i + 1} (h${i + 1} -> ${i === 0 ? 'x' : `h${i}`})`)).filter((x) => x);
    if (missing.length) {
      ctx.error(`missing decoder${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: every layer needs one to be trained and sampled`, 'decoders');
      return null;
    }
    const sizes = [top.path[0].inUnits, ...top.path.map((m) => m.outUnits)];
    const weights = weightCount([...top.path, ...(decoders as ModuleInfo[])]);
    if (weights > MAX_WEIGHTS) {
      ctx.error(`${sizes.join('-')} has ${weights.toLocaleString('en-US')} weights in its encoders and decoders (${((weights * 4) / 2 ** 30).toFixed(1)} GiB as float32), more than the ${MAX_WEIGHTS.toLocaleString('en-US')} (1 GiB) a model can hold here; make the layers smaller`, 'top');
      return null;
    }
    const arch: JsonObject = {
      sizes,
      encoders: top.path,
      decoders: decoders as ModuleInfo[],
    };
    return {
      outputs: { model: { sizes: arch.sizes, root: top.root, chain: top.path.map((m) => m.node), decoders: (decoders as ModuleInfo[]).map((m) => m.node) } },
      resolved: { architecture: arch },
    };
  },
});
