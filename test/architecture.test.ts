// Keeps the layering of STYLE.md honest: nodes/core imports nothing of ours, nodes/kinds only core,
// and neither they nor the renderer import tfjs, Electron or Node's I/O.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(join(root, p)).isDirectory()) return f === 'node_modules' || f === 'dist' ? [] : files(p);
    return /\.(ts|svelte)$/.test(f) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const src = readFileSync(join(root, file), 'utf8');
  return [...src.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
}

function resolvedTop(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(root, join(root, file, '..', spec));
}

describe('layering', () => {
  it('nodes/core imports only itself and two pure libraries: zod (schemas) and fastest-levenshtein ("did you mean")', () => {
    for (const f of files('nodes/core'))
      for (const s of imports(f)) {
        const r = resolvedTop(f, s);
        expect(r.startsWith('nodes/core/') || r === 'zod' || r === 'fastest-levenshtein', `${f} imports ${s}`).toBe(true);
      }
  });
  it('nodes/kinds imports only nodes/core and itself (no tfjs, no I/O)', () => {
    for (const f of files('nodes/kinds'))
      for (const s of imports(f)) {
        const r = resolvedTop(f, s);
        expect(r.startsWith('nodes/core/') || r.startsWith('nodes/kinds/'), `${f} imports ${s}`).toBe(true);
      }
  });
  it('the renderer never imports tfjs, the runtime, Electron or Node built-ins', () => {
    for (const f of files('renderer'))
      for (const s of imports(f)) {
        const r = resolvedTop(f, s);
        expect(/tensorflow|^electron$|^node:|nodes\/runtime|nodes\/server/.test(r), `${f} imports ${s}`).toBe(false);
      }
  });
});
