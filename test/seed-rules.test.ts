// One rule for a graph's seed, everywhere: a whole number >= 0 (at most 2^53 - 1, so it stays exact in JSON). The
// graph file's schema, the inspector's seed field (digits only, as the CLI's --seed) and `plasticity run --seed`
// agree; a file with a negative or fractional seed is refused with a sentence, not zod's own words. The inspector's
// Quick run fields take digits only, as the CLI's --epochs and --*-limit options.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './support/cli.ts';
import { GRAPH_FORMAT, loadGraph, parseGraphText, SEED_MAX, seedProblem } from '../nodes/core/document.ts';
import { parseDigits } from '../nodes/core/params.ts';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'plasticity-seed-rules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const withSeed = (seed: unknown): unknown => ({ format: GRAPH_FORMAT, version: 1, nodes: [], seed });
const problemOf = (seed: unknown): string | null => {
  const r = loadGraph(withSeed(seed));
  return r.ok ? null : r.diagnostics.map((d) => d.message).join('\n');
};

describe('a graph file\'s seed', () => {
  it('takes 0, 1 and the largest exact number', () => {
    for (const seed of [0, 1, 123456, SEED_MAX]) expect(problemOf(seed)).toBeNull();
    const r = loadGraph({ format: GRAPH_FORMAT, version: 1, nodes: [] });
    expect(r.ok && r.doc.seed).toBe(1);
  });
  it('refuses a negative seed, as the CLI\'s --seed does', () => {
    expect(problemOf(-3)).toBe('seed: must be a whole number >= 0, got -3');
    expect(problemOf(-1)).toBe('seed: must be a whole number >= 0, got -1');
  });
  it('refuses a fractional seed with a sentence, not zod\'s "expected int, received number"', () => {
    expect(problemOf(1.5)).toBe('seed: must be a whole number >= 0, got 1.5');
  });
  it('refuses text, null and a number too large to stay exact', () => {
    expect(problemOf('5')).toBe('seed: must be a whole number >= 0, got "5"');
    expect(problemOf(null)).toBe('seed: must be a whole number >= 0, got null');
    expect(problemOf(2 ** 60)).toMatch(/^seed: must be at most 9007199254740991, got /);
  });
  it('seedProblem says the same', () => {
    expect(seedProblem(0)).toBeNull();
    expect(seedProblem(-3)).toBe('must be a whole number >= 0, got -3');
  });
  it('a file with a negative seed opens with one clear error, not an exception', () => {
    const text = JSON.stringify({ ...JSON.parse(readFileSync(join(root, 'examples', 'eqprop-mnist.json'), 'utf8')), seed: -3 });
    const r = parseGraphText(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'invalid_document', severity: 'error', message: 'seed: must be a whole number >= 0, got -3' });
  });
});

describe('the CLI agrees with the file', () => {
  const file = (name: string, seed: number): string => {
    const path = join(tmp, name);
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(join(root, 'examples', 'eqprop-mnist.json'), 'utf8')), seed }));
    return path;
  };
  it('validate refuses a graph whose seed is -3 (it said ok)', async () => {
    const r = await cli('validate', file('negative.json', -3));
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain('seed: must be a whole number >= 0, got -3');
  });
  it('validate refuses a fractional seed with the sentence', async () => {
    const r = await cli('validate', file('fraction.json', 1.5));
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain('seed: must be a whole number >= 0, got 1.5');
    expect(r.out + r.err).not.toMatch(/expected int/);
  });
  it('validate takes seed 0', async () => {
    const r = await cli('validate', file('zero.json', 0));
    expect(r.code).toBe(0);
  });
  it('run --seed -1 is refused with the same rule', async () => {
    const r = await cli('run', join(root, 'examples', 'eqprop-mnist.json'), '--seed', '-1', '--out', join(tmp, 'out'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('must be a whole number >= 0');
  });
});

describe('digits only, for the inspector\'s seed and Quick run fields (as the CLI\'s whole-number options)', () => {
  it('takes digits', () => {
    expect(parseDigits('1000')).toBe(1000);
    expect(parseDigits(' 0 ')).toBe(0);
  });
  it('refuses 1e3, 1000.0, +5, -3, 0x10 and nothing', () => {
    for (const t of ['1e3', '1000.0', '+5', '-3', '0x10', '', ' ', '1 000']) expect(parseDigits(t)).toBeNaN();
  });
});
