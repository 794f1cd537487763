/** The preload with `electron` mocked: it exposes exactly the contract's surface and nothing else. */
import { describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: [] as unknown[][],
  listeners: new Map<string, ((...a: unknown[]) => void)[]>(),
}));

vi.mock('electron', () => ({
  // As Electron's contextBridge does: a function called from the page gets copies of its arguments, and a Proxy
  // (a Svelte $state object) cannot be copied.
  contextBridge: {
    exposeInMainWorld: (k: string, v: Record<string, (...a: unknown[]) => unknown>) =>
      h.exposed.set(k, Object.fromEntries(Object.entries(v).map(([name, f]) => [name, (...a: unknown[]) => f(...a.map((x) => (typeof x === 'function' ? x : structuredClone(x))))]))),
  },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => {
      h.invoke.push(args);
      if (args[1] === 'getInfo') return { ok: true, value: { version: 'x' } };
      return { ok: false, error: { code: 'bad_request', message: `${String(args[1])}: nope` } };
    },
    on: (ch: string, f: (...a: unknown[]) => void) => h.listeners.set(ch, [...(h.listeners.get(ch) ?? []), f]),
    removeListener: (ch: string, f: (...a: unknown[]) => void) => h.listeners.set(ch, (h.listeners.get(ch) ?? []).filter((g) => g !== f)),
  },
}));

import { CALL_CHANNEL, EVENT_CHANNEL, EVENT_NAMES, METHOD_NAMES } from '../electron/common/names.ts';
import { ipcTransport } from '../electron/preload/index.ts';
import type { LabClient } from '../electron/common/contract.ts';
import { withPlainRequests } from '../electron/common/client.ts';

describe('preload', () => {
  it('exposes one object, window.plasticity, with exactly the contract methods and events', () => {
    expect([...h.exposed.keys()]).toEqual(['plasticity']);
    const api = h.exposed.get('plasticity') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES, ...EVENT_NAMES].sort());
    for (const v of Object.values(api)) expect(typeof v).toBe('function');
    expect(api).not.toHaveProperty('ipcRenderer');
    expect(api).not.toHaveProperty('invoke');
  });

  it('calls go through the one call channel; errors come back as rejections', async () => {
    const api = h.exposed.get('plasticity') as LabClient;
    await expect(api.getInfo({})).resolves.toEqual({ version: 'x' });
    expect(h.invoke.at(-1)).toEqual([CALL_CHANNEL, 'getInfo', {}]);
    await expect(api.stopRun({ runId: 'r' })).rejects.toThrow('stopRun: nope');
  });

  it('takes the page\'s reactive objects once the page has made them plain (withPlainRequests)', async () => {
    const api = h.exposed.get('plasticity') as LabClient;
    // A graph as Svelte state holds it: a Proxy, which the bridge cannot copy.
    const doc = new Proxy({ format: 'plasticity-graph', version: 1, name: 'g', seed: 3, nodes: [], wires: [] }, {});
    const request = { doc, options: {}, backend: 'auto' } as unknown as Parameters<LabClient['startRun']>[0];
    expect(() => api.startRun(request)).toThrow(/could not be cloned/);
    await expect(withPlainRequests(api).startRun(request)).rejects.toThrow(/startRun: nope/);
    expect(h.invoke.at(-1)).toEqual([CALL_CHANNEL, 'startRun', { doc: { format: 'plasticity-graph', version: 1, name: 'g', seed: 3, nodes: [], wires: [] }, options: {}, backend: 'auto' }]);
    // Events pass through as they are.
    expect(typeof api.onRunEvent).toBe('function');
    expect(withPlainRequests(api).onRunEvent).toBe(api.onRunEvent);
  });

  it('the saved files for a Load node\'s path are asked for over the call channel', async () => {
    const api = h.exposed.get('plasticity') as LabClient;
    await expect(api.listSavedFiles({ sort: 'network' })).rejects.toThrow('listSavedFiles: nope');
    expect(h.invoke.at(-1)).toEqual([CALL_CHANNEL, 'listSavedFiles', { sort: 'network' }]);
  });

  it('refuses unknown methods before they reach IPC', async () => {
    const n = h.invoke.length;
    const r = await ipcTransport.call('rm -rf' as never, {});
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(h.invoke.length).toBe(n);
  });

  it('delivers known events and drops unknown ones', () => {
    const api = h.exposed.get('plasticity') as LabClient;
    const got: unknown[] = [];
    const off = api.onMenuCommand((p) => got.push(p));
    const [listener] = h.listeners.get(EVENT_CHANNEL)!;
    listener({}, 'onMenuCommand', { command: 'run' });
    listener({}, 'onSomethingElse', { command: 'x' });
    expect(got).toEqual([{ command: 'run' }]);
    off();
    listener({}, 'onMenuCommand', { command: 'stop' });
    expect(got.length).toBe(1);
  });
});
