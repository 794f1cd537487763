import { defineKind, one, metricRecord, pictureRecord } from '../../core/kind.ts';
import { bool, str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { num } from './common.ts';

export const curvePlotKind = defineKind({
  kind: 'stdp.curve_plot',
  version: 1,
  title: 'Plot ΔW against ΔT',
  category: 'stdp',
  doc:
    'Draws a curve (e.g. ΔW against ΔT) as a PNG with its zero axes, and records it as two series metrics, <name>_dt and <name>_dw (bins with no data left out), and as two figures: <name>_ltp, ΔW at the smallest ΔT > 0 with data (post after pre: positive for STDP), and <name>_ltd, ΔW at the largest ΔT < 0 (post before pre: negative for STDP); NaN when the curve has no such bin. An optional second curve on the same axis is drawn in gray. Axis labels and legend entries are parameters.',
  equation: 'Bengio et al. 2015, Fig. 1; Bengio et al. 2017, Fig. 4',
  inputs: {
    curve: port('series', { doc: 'The curve (a spike-timing node\'s curve output).' }),
    reference: port('series', { optional: true, doc: 'A second curve on the same ΔT axis, drawn in gray.' }),
  },
  outputs: { image: port('image', { doc: 'The plot.' }) },
  params: {
    name: str('stdp_curve', { doc: 'Metric prefix and PNG file name.' }),
    normalize: bool(false, { doc: 'Scale each drawn curve to a largest |ΔW| of 1 (to compare shapes; the metrics stay unscaled).' }),
    x_label: str('ΔT (steps)', { doc: 'Label of the horizontal axis.' }),
    y_label: str('ΔW', { doc: 'Label of the vertical axis.' }),
    label: str('', { doc: 'Legend entry of the curve (no legend when both entries are empty).' }),
    reference_label: str('', { doc: 'Legend entry of the reference curve.' }),
  },
  records: (p) => [
    metricRecord(`${p.name}_dt`, 'name', 'ΔT of each point of the curve: post spike time minus pre spike time (steps).'),
    metricRecord(`${p.name}_dw`, 'name', 'ΔW at each ΔT of the curve (mean over trials).'),
    metricRecord(`${p.name}_ltp`, 'name', 'ΔW at the smallest ΔT > 0 (post after pre): positive for STDP.'),
    metricRecord(`${p.name}_ltd`, 'name', 'ΔW at the largest ΔT < 0 (post before pre): negative for STDP.'),
    pictureRecord(p.name, 'name', 'ΔW against ΔT, with the zero axes.'),
  ],
  compile(ctx, inputs, p) {
    const c = one(inputs, 'curve');
    const xStart = num(c.info, 'xStart');
    const xStep = num(c.info, 'xStep');
    if (xStart === undefined || xStep === undefined) {
      ctx.error('this input needs a curve with a ΔT axis (the curve output of a spike-timing node)', 'curve');
      return null;
    }
    if (!p.name.trim()) {
      ctx.error('give it a name', 'name');
      return null;
    }
    const ref = inputs.reference && !Array.isArray(inputs.reference) ? inputs.reference : undefined;
    const refStart = ref ? num(ref.info, 'xStart') : undefined;
    return { outputs: { image: {} }, resolved: { x_start: xStart, x_step: xStep, ref_x_start: refStart ?? xStart } };
  },
});
