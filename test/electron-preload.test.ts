/** The preload with `electron` mocked: it exposes exactly the contract's surface and nothing else. */
import { describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: [] as unknown[][],
  listeners: new Map<string, ((...a: unknown[]) => void)[]>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (k: string, v: unknown) => h.exposed.set(k, v) },
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
