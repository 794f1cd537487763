// Which data a run read, said after it (a user review: a researcher running a graph on their own IDX files could not
// tell those runs from runs on the embedded digits in `plasticity runs`, the report or the app's Past runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataUsedText } from '../nodes/core/format.ts';
import { listPastRuns } from '../nodes/server/past-runs.ts';
import { cli, lines } from './support/cli.ts';
import { mnistFolder } from './support/idx.ts';

const root = join(import.meta.dirname, '..');
const eqprop = join(root, 'examples', 'eqprop-mnist.json');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'plasticity-data-recorded-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the data a run read', () => {
  it('is in summary.json, in plasticity runs (its own column) and in the report, own IDX files and embedded digits alike', async () => {
    const data = mnistFolder(join(tmp, 'my fashion'), 60, 20);
    const runs = join(tmp, 'runs');
    const opts = ['--quick', '--train-limit', '40', '--test-limit', '20', '--quiet'];
    const own = await cli('run', eqprop, ...opts, '--data-dir', data, '--out', join(runs, 'own'));
    expect(own.code, own.err).toBe(0);
    const embedded = await cli('run', eqprop, ...opts, '--out', join(runs, 'embedded'));
    expect(embedded.code, embedded.err).toBe(0);

    const summary = (id: string) => JSON.parse(readFileSync(join(runs, id, 'summary.json'), 'utf8'));
    expect(summary('own').data).toEqual({ data: { source: 'idx', dir: data, train: 40, valid: 0, test: 20 } });
    expect(summary('embedded').data).toEqual({ data: { source: 'embedded', train: 40, valid: 0, test: 20 } });
    expect(dataUsedText(summary('own').data)).toBe(`IDX files in ${data} (40 training, 0 validation, 20 test)`);

    const r = await cli('runs', runs);
    expect(r.code, r.err).toBe(0);
    const [head, ...rows] = lines(r.out).map((l) => l.split(/\s{2,}/));
    expect(head.slice(0, 5)).toEqual(['ended', 'run', 'graph', 'data', 'status']);
    const byId = new Map(rows.map((row) => [row[1], row]));
    expect(byId.get('own')![3]).toBe('my fashion');
    expect(byId.get('embedded')![3]).toBe('embedded');
    // The app's Past runs list reads the same entries.
    expect(Object.fromEntries((await listPastRuns(runs)).map((p) => [p.id, p.data]))).toEqual({ own: 'my fashion', embedded: 'embedded' });

    expect((await cli('report', join(runs, 'own'))).code).toBe(0);
    const html = readFileSync(join(runs, 'own', 'report.html'), 'utf8');
    expect(html).toContain(`<th>data</th><td>IDX files in ${data} (40 training, 0 validation, 20 test)</td>`);
  }, 120_000);
});
