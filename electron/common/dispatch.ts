/**
 * Host-side dispatch shared by Electron's main process and the WebSocket server: checks the method
 * name against the allow-list, validates the request with the contract's schema, calls the
 * implementation and turns every failure into a CallError value. Nothing a renderer sends can
 * throw out of here.
 */
import { z } from 'zod';
import { type CallResult, formatZodError, isMethodName, type LabServiceImpl, methods, events, type EventName, type EventPayload } from './contract.ts';

export type Dispatcher = (method: unknown, request: unknown) => Promise<CallResult>;

export function createDispatcher(impl: LabServiceImpl, onError?: (method: string, e: unknown) => void): Dispatcher {
  return async (method, request) => {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `unknown method ${JSON.stringify(method)?.slice(0, 80) ?? String(method)}` } };
    }
    const parsed = methods[method].req.safeParse(request ?? {});
    if (!parsed.success) return { ok: false, error: { code: 'bad_request', message: `${method}: ${formatZodError(parsed.error)}` } };
    try {
      // The schema and the impl are keyed by the same name; TypeScript cannot correlate them through the union.
      const fn = impl[method] as (req: unknown) => Promise<unknown>;
      const value = await fn.call(impl, parsed.data);
      return { ok: true, value };
    } catch (e) {
      onError?.(method, e);
      return { ok: false, error: { code: 'failed', message: e instanceof Error ? e.message : String(e) } };
    }
  };
}

/** Validates an outgoing event (hosts call it before sending, so a bug never reaches the renderer as junk). */
export function checkEvent<E extends EventName>(name: E, payload: unknown): EventPayload<E> {
  return events[name].parse(payload) as EventPayload<E>;
}

/** WebSocket frames. Client -> server: calls. Server -> client: results and events. */
export const wsClientFrame = z.object({ t: z.literal('call'), id: z.number().int().min(0), method: z.string().max(100), request: z.unknown() }).strict();
export const wsServerFrame = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('result'),
    id: z.number().int(),
    ok: z.boolean(),
    value: z.unknown().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  }),
  z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown() }),
  z.object({ t: z.literal('error'), message: z.string() }),
]);
export type WsClientFrame = z.infer<typeof wsClientFrame>;
export type WsServerFrame = z.infer<typeof wsServerFrame>;
