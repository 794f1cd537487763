/**
 * The node reference (docs/nodes.md) written from the kinds' own descriptors: what each kind does,
 * the paper equation it implements, its ports and its params with defaults and ranges. The palette,
 * the inspector and the compiler read the same descriptors, so the page cannot say something else.
 */
import { CATEGORY_TITLES, type AnyNodeKind, type Category, type RunLimitKey } from './kind.ts';
import type { ParamSpec } from './params.ts';
import { PORT_TYPES, type PortSpec } from './ports.ts';

/** Prose: "<name>" in a doc line is text, not an HTML tag the page would swallow. */
const text = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One table cell: on one line, and a "|" in the text does not end the cell. */
const cell = (s: string): string => text(s).replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

const code = (s: string): string => `\`${s}\``;

/** The values a param accepts, e.g. "0.001 … 10, log scale", "at least 1", "a, b or c". */
export function paramRange(spec: ParamSpec): string {
  switch (spec.type) {
    case 'int':
    case 'float':
    case 'floats': {
      const { min, max } = spec;
      const r = min !== undefined && max !== undefined ? `${min} … ${max}` : min !== undefined ? `at least ${min}` : max !== undefined ? `at most ${max}` : '';
      const log = spec.type === 'float' && spec.log ? 'log scale' : '';
      const zero = spec.type !== 'floats' && spec.zero ? `0: ${spec.zero}` : '';
      return [r, log, zero].filter(Boolean).join(', ');
    }
    case 'choice':
      return spec.choices.map(code).join(', ');
    case 'bool':
    case 'string':
      return '';
  }
}

function portsTable(ports: Record<string, PortSpec>, side: 'input' | 'output'): string[] {
  const names = Object.keys(ports);
  if (!names.length) return [];
  const rows = names.map((name) => {
    const p = ports[name];
    const how = side === 'input' ? [p.optional ? 'optional' : 'required', p.multiple ? 'several wires' : ''].filter(Boolean).join(', ') : '';
    const what = [how, p.doc ?? ''].filter(Boolean).join('. ');
    return `| ${code(name)} | ${p.type} | ${cell(what)} |`;
  });
  return [`**${side === 'input' ? 'Inputs' : 'Outputs'}**`, '', '| port | type | |', '|---|---|---|', ...rows, ''];
}

function paramsTable(params: Record<string, ParamSpec>): string[] {
  const names = Object.keys(params);
  if (!names.length) return ['No parameters.', ''];
  const rows = names.map((name) => {
    const s = params[name];
    const what = [s.label ? `(${s.label})` : '', s.doc ?? ''].filter(Boolean).join(' ');
    return `| ${code(name)} | ${s.type} | ${code(JSON.stringify(s.default))} | ${cell(paramRange(s))} | ${cell(what)} |`;
  });
  return ['**Parameters**', '', '| name | type | default | accepts | what it is |', '|---|---|---|---|---|', ...rows, ''];
}

const LIMIT_OPTIONS: Record<RunLimitKey, string> = { epochs: '`--epochs`', trainLimit: '`--train-limit`', testLimit: '`--test-limit`', sampleLimit: '`--sample-limit`' };

function kindSection(k: AnyNodeKind): string[] {
  const facts = [`kind ${code(k.kind)}`, `version ${k.version}`];
  if (k.scope) facts.push(`a loop scope over ${k.scope.loop}: the nodes put inside it run in its loop`);
  if (k.limits?.length) facts.push(`obeys the run limits ${k.limits.map((l) => LIMIT_OPTIONS[l]).join(', ')} (and the Quick run's)`);
  return [
    `<a id="${k.kind}"></a>`,
    '',
    `### ${text(k.title)}`,
    '',
    facts.join(' · '),
    '',
    ...(k.equation ? [`*Implements:* ${text(k.equation)}`, ''] : []),
    ...(k.keywords?.length ? [`*Also known as:* ${k.keywords.map(text).join(', ')}`, ''] : []),
    text(k.doc),
    '',
    ...portsTable(k.inputs, 'input'),
    ...portsTable(k.outputs, 'output'),
    ...paramsTable(k.params),
  ];
}

/** One kind's section of the page (`plasticity kinds ID`), as the whole page gives it. */
export function kindReference(k: AnyNodeKind): string {
  return `${kindSection(k).join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** The whole page, kinds grouped by palette category in the palette's order. */
export function kindsReference(kinds: readonly AnyNodeKind[]): string {
  const byCategory = new Map<Category, AnyNodeKind[]>();
  for (const c of Object.keys(CATEGORY_TITLES) as Category[]) byCategory.set(c, []);
  for (const k of kinds) byCategory.get(k.category)?.push(k);
  const groups = [...byCategory].filter(([, ks]) => ks.length);
  const lines = [
    '# Node kinds',
    '',
    `Every node kind of the editor's palette (${kinds.length} kinds), with the paper equation it implements, its ports and its`,
    'parameters. Written from the kinds\' descriptors by `npm run docs:nodes` (`plasticity kinds --markdown`): the',
    'palette, the inspector and the compiler read the same descriptors, and a test fails when this page is not current.',
    '',
    ...groups.map(([c, ks]) => `- **${CATEGORY_TITLES[c]}**: ${ks.map((k) => `[${text(k.title)}](#${k.kind})`).join(', ')}`),
    '',
    '## Port types',
    '',
    'A wire joins an output to an input of the same type (the same colour in the editor).',
    '',
    '| type | what it carries |',
    '|---|---|',
    ...Object.entries(PORT_TYPES).map(([t, p]) => `| ${t} | ${cell(p.doc)} |`),
    '',
  ];
  for (const [c, ks] of groups) {
    lines.push(`## ${CATEGORY_TITLES[c]}`, '');
    for (const k of ks) lines.push(...kindSection(k));
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
