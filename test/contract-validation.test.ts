/** The shared contract: schemas reject malformed messages; the dispatcher never throws. */
import { describe, expect, it } from 'vitest';
import { events, methods, METHOD_NAMES, EVENT_NAMES, type LabServiceImpl } from '../electron/common/contract.ts';
import { checkEvent, createDispatcher, wsClientFrame } from '../electron/common/dispatch.ts';
import { createClient } from '../electron/common/client.ts';
import { emptyGraph } from '../nodes/core/index.ts';

const impl = Object.fromEntries(METHOD_NAMES.map((m) => [m, async (req: unknown) => ({ echoed: req })])) as unknown as LabServiceImpl;

describe('contract', () => {
  it('has a request and a response schema for every method and a schema for every event', () => {
    expect(Object.keys(methods).sort()).toEqual([...METHOD_NAMES].sort());
    expect(Object.keys(events).sort()).toEqual([...EVENT_NAMES].sort());
  });

  it('accepts good requests and applies defaults', () => {
    const r = methods.startRun.req.parse({ doc: emptyGraph('x') });
    expect(r.options).toEqual({});
    expect(r.backend).toBe('auto');
  });

  it('rejects malformed requests for every method', () => {
    const junk: unknown[] = [null, 42, 'text', [], { unexpected: true }, { path: '' }, { id: '' }];
    for (const m of METHOD_NAMES) {
      const rejected = junk.filter((j) => !methods[m].req.safeParse(j).success);
      expect(rejected.length, m).toBeGreaterThanOrEqual(junk.length - 1);
    }
  });

  it('dispatch answers garbage with errors, never an exception', async () => {
    const d = createDispatcher(impl);
    const methodsToTry: unknown[] = [...METHOD_NAMES, 'nope', '', null, 7, {}, '__proto__', 'toString', 'hasOwnProperty'];
    const requests: unknown[] = [undefined, null, 0, 'x', [], {}, { doc: 1 }, { path: '../../x' }, { text: 5 }, { runId: '' }, Object.create(null)];
    for (const m of methodsToTry) {
      for (const r of requests) {
        const out = await d(m, r);
        expect(typeof out.ok).toBe('boolean');
        if (!out.ok) expect(['unknown_method', 'bad_request']).toContain(out.error.code);
      }
    }
  });

  it('turns a failing implementation into a "failed" error', async () => {
    const d = createDispatcher({ ...impl, getInfo: async () => Promise.reject(new Error('boom')) });
    expect(await d('getInfo', {})).toEqual({ ok: false, error: { code: 'failed', message: 'boom' } });
  });

  it('checks events before they are sent', () => {
    expect(() => checkEvent('onMenuCommand', { command: 'format-disk' })).toThrow();
    expect(() => checkEvent('onRunEvent', { runId: 'r', event: { type: 'progress' } })).toThrow();
    expect(checkEvent('onRunEvent', { runId: 'r', event: { type: 'log', time: 1, level: 'info', message: 'hi' } })).toBeTruthy();
  });

  it('validates WebSocket frames', () => {
    expect(wsClientFrame.safeParse({ t: 'call', id: 1, method: 'getInfo', request: {} }).success).toBe(true);
    expect(wsClientFrame.safeParse({ t: 'call', id: -1, method: 'getInfo' }).success).toBe(false);
    expect(wsClientFrame.safeParse({ t: 'eval', code: '1' }).success).toBe(false);
  });

  it('builds a client over any transport', async () => {
    const d = createDispatcher(impl);
    const c = createClient({ call: (m, r) => d(m, r), listen: () => () => undefined });
    expect(await c.getInfo({})).toEqual({ echoed: {} });
    await expect(c.readExample({ id: '../x' })).rejects.toThrow(/readExample/);
  });
});
