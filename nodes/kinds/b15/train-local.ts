import { defineKind, many, metricRecord, pictureRecord, type Recorded, sourceNode } from '../../core/kind.ts';
import { choice, float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { type CorruptionInfo, corruptsStack } from './layer-info.ts';
import { trainsOnTestDigits } from './data-mnist.ts';

export const LocalTrain = 'train.local';

/** The model's modules layer by layer, encoder then decoder (f1, g1, f2, g2 …): the trainer's step params, `modules`. */
type LocalModule = { node: string; role: 'encoder' | 'decoder'; layer: number };

const layerName = (l: number): string => (l === 0 ? 'x' : `h${l}`);

/** The local losses the trainer records as metrics, loss_<module> per epoch, each with what it is. */
function lossRecords(modules: readonly LocalModule[]): Recorded[] {
  return modules.map(({ node, role, layer }) => {
    const [from, to] = role === 'encoder' ? [layer - 1, layer] : [layer, layer - 1];
    return metricRecord(
      `loss_${node}`,
      undefined,
      `The ${role} ${node}'s local loss ||${node}(~${layerName(from)}) - ${layerName(to)}||^2 per epoch (sum over units, mean over the epoch's minibatches); its last value is the last epoch's.`,
    );
  });
}

export const localTrainKind = defineKind({
  kind: LocalTrain,
  version: 1,
  title: 'Local training (EM)',
  category: 'learning',
  limits: ['epochs'],
  doc: 'Variational EM with layer-local updates. Per minibatch: the E-step runs the inference loop; the targets h are then held fixed and each module takes one optimiser step on its own loss only: g_l on ||g_l(~h_l) - h_{l-1}||^2, f_l on ||f_l(~h_{l-1}) - h_l||^2 (sum over units, mean over the batch), ~ being the corruption wired for that layer. A loop scope over epochs and minibatches: the inference loop and corruptions wired to it run in every minibatch wherever they sit on the canvas (the wires are what count); putting them inside the scope only shows that they do. The first warmupBatches minibatches use N = 0 (feedforward targets) so the encoders do not chase untrained inference targets. Records each module\'s local loss, averaged over each epoch, as a series loss_<module node id> (loss_f1, loss_g1, loss_f2, loss_g2 …: one value per epoch, the last the last epoch\'s), the losses the progress reports show live. The CLI\'s --epochs overrides the epochs.',
  equation: 'Bengio et al. 2015, Algorithm 2 (TRAIN), Sec. 4',
  inputs: {
    model: port('model'),
    data: port('dataset', { doc: 'Training digits.' }),
    inference: port('inference', { doc: 'The E-step.' }),
    corruption: port('corruption', { multiple: true, optional: true, doc: 'At most one corruption per layer.' }),
  },
  outputs: { model: port('model', { doc: 'The trained model.' }) },
  params: {
    epochs: int(20, { min: 0, max: 100000, doc: 'Passes over the training data (the CLI --epochs overrides it).' }),
    batchSize: int(100, { min: 1, max: 100000, doc: 'Minibatch size.' }),
    optimizer: choice(['adam', 'rmsprop', 'sgd'] as const, 'adam', { doc: 'One optimiser per module.' }),
    lr: float(0.001, { min: 0, max: 10, doc: 'Learning rate of modules that do not set their own.' }),
    warmupBatches: int(100, { min: 0, doc: 'First minibatches trained with N = 0 (feedforward targets). Meanwhile an encoder whose input has no corruption wired learns nothing: its target is its own output, so its loss is 0. A Quick run of a few minibatches may be all warm-up (the run warns): lower this for it (the graph\'s Quick run settings can, in quick.set).' }),
    fields: int(0, {
      min: 0,
      max: 10000,
      zero: 'off',
      doc: 'Watch the filters form: after every epoch, draw the encoder f1\'s weights from the pixels into the first N units of h1, one tile each, as the Filters node draws them, as <node id>_fields.png. 0: off. Needs a square input (784 = 28 × 28).',
    }),
  },
  scope: { loop: 'epochs' },
  records: (p, id) => [
    // (the modules are known when the model is built here; a model read back by Load weights names its own at run time)
    ...lossRecords((p as { modules?: LocalModule[] }).modules ?? []),
    ...(p.fields > 0 ? [pictureRecord(`${id}_fields`, 'fields', 'The encoder f1\'s weights into the first h1 units, redrawn after every epoch while it trains.')] : []),
  ],
  compile: (ctx, inputs) => {
    const data = inputs.data && !Array.isArray(inputs.data) ? trainsOnTestDigits(inputs.data) : null;
    if (data) ctx.warn(data, 'data');
    const layers = new Map<number, string>();
    // A model built here says which stack it is (a loaded one does not): a corruption must be of one of its layers,
    // as the trainer finds the layer by its index alone.
    const model = inputs.model && !Array.isArray(inputs.model) ? (inputs.model.info as { root?: string; chain?: string[]; decoders?: string[] }) : {};
    for (const c of many(inputs, 'corruption')) {
      const info = c.info as CorruptionInfo;
      const node = sourceNode(c);
      const name = info.layer === 0 ? 'x' : `h${info.layer}`;
      if (model.root !== undefined && model.chain && !corruptsStack(info, model.root, model.chain)) {
        ctx.error(`${node} corrupts a layer that is not in the model trained here (${info.layer === 0 ? 'the x' : name} of another stack); wire it to x or a layer of the model`, 'corruption');
        continue;
      }
      const prev = layers.get(info.layer);
      if (prev) ctx.error(`layer ${name} has two corruptions (${prev} and ${node}); keep one`, 'corruption');
      layers.set(info.layer, node);
    }
    const modules: LocalModule[] = (model.chain ?? []).flatMap((f, i) => [
      { node: f, role: 'encoder' as const, layer: i + 1 },
      ...(model.decoders?.[i] ? [{ node: model.decoders[i], role: 'decoder' as const, layer: i + 1 }] : []),
    ]);
    return { outputs: { model: {} }, ...(modules.length ? { resolved: { modules } } : {}) };
  },
});
