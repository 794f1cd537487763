import { defineKind, metricRecord, pictureRecord } from '../../core/kind.ts';
import { int, str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function checkName(ctx: { error(m: string, p?: string): void }, name: string): boolean {
  if (!NAME.test(name)) {
    ctx.error(`the name "${name}" must start with a letter or _ and use only letters, digits, _ . -`, 'name');
    return false;
  }
  return true;
}

export const MetricOut = 'output.metric';
export const metricOutKind = defineKind({
  kind: MetricOut,
  version: 1,
  title: 'Metric',
  category: 'output',
  doc: 'Records a scalar under a name in the run\'s summary.json and metrics.jsonl.',
  inputs: { value: port('metric') },
  outputs: {},
  params: { name: str('metric', { doc: 'Name in summary.json.' }) },
  compile: (ctx, _i, p) => (checkName(ctx, p.name) ? { outputs: {} } : null),
  records: (p) => [metricRecord(p.name, 'name')],
});

export const SeriesOut = 'output.series';
export const seriesOutKind = defineKind({
  kind: SeriesOut,
  version: 1,
  title: 'Series',
  category: 'output',
  doc: 'Records a list of numbers under a name in summary.json and metrics.jsonl.',
  inputs: { value: port('series') },
  outputs: {},
  params: { name: str('series', { doc: 'Name in summary.json.' }) },
  compile: (ctx, _i, p) => (checkName(ctx, p.name) ? { outputs: {} } : null),
  records: (p) => [metricRecord(p.name, 'name')],
});

export const ImageGridOut = 'output.image_grid';
export const imageGridOutKind = defineKind({
  kind: ImageGridOut,
  version: 1,
  title: 'Image grid',
  category: 'output',
  doc: 'Writes the first `count` images as a PNG grid (NAME.png in the output folder) and shows it in the run panel.',
  inputs: { samples: port('samples') },
  outputs: {},
  params: {
    name: str('samples', { doc: 'File name without .png.' }),
    count: int(100, { min: 1, max: 10000, doc: 'Images shown.' }),
    cols: int(10, { min: 1, max: 100, doc: 'Images per row.' }),
  },
  compile: (ctx, _i, p) => (checkName(ctx, p.name) ? { outputs: {} } : null),
  records: (p) => [pictureRecord(p.name, 'name')],
});

export const ImageOut = 'output.image';
export const imageOutKind = defineKind({
  kind: ImageOut,
  version: 1,
  title: 'Picture',
  category: 'output',
  doc: 'Writes a picture made by an evaluator as NAME.png.',
  inputs: { image: port('image') },
  outputs: {},
  params: { name: str('picture', { doc: 'File name without .png.' }) },
  compile: (ctx, _i, p) => (checkName(ctx, p.name) ? { outputs: {} } : null),
  records: (p) => [pictureRecord(p.name, 'name')],
});
