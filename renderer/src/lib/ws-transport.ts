/**
 * The WebSocket transport for browser mode: frames defined in electron/common/dispatch.ts.
 * Reconnects after a drop; calls made while disconnected wait for the connection. Results and events are read
 * through the contract's schemas, as Electron's IPC would deliver them: JSON's null for a non-finite number
 * (a diverged loss) becomes NaN again.
 */
import type { Transport } from '../../../electron/common/client.ts';
import { type CallResult, events, methods } from '../../../electron/common/contract.ts';
import { isEventName, type EventName } from '../../../electron/common/names.ts';

export function wsTransport(url: string, onStatus?: (connected: boolean) => void): Transport {
  let ws: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, (r: CallResult) => void>();
  const listeners = new Set<(name: EventName, payload: unknown) => void>();

  const connect = (): Promise<WebSocket> => {
    if (ready) return ready;
    ready = new Promise((resolve) => {
      const open = (delay: number): void => {
        const sock = new WebSocket(url);
        sock.onopen = () => {
          ws = sock;
          onStatus?.(true);
          resolve(sock);
        };
        sock.onmessage = (e) => {
          let frame: { t?: string; id?: number; ok?: boolean; value?: unknown; error?: { code: string; message: string }; name?: string; payload?: unknown; message?: string };
          try {
            frame = JSON.parse(String(e.data));
          } catch {
            return;
          }
          if (frame.t === 'result' && typeof frame.id === 'number') {
            const done = pending.get(frame.id);
            pending.delete(frame.id);
            done?.(frame.ok ? { ok: true, value: frame.value } : { ok: false, error: (frame.error ?? { code: 'failed', message: 'unknown error' }) as never });
          } else if (frame.t === 'event' && isEventName(frame.name)) {
            const read = events[frame.name].safeParse(frame.payload);
            if (!read.success) return console.error(`server: a ${frame.name} event that does not fit the contract`);
            for (const l of listeners) l(frame.name, read.data);
          } else if (frame.t === 'error') {
            console.error('server:', frame.message);
          }
        };
        sock.onclose = () => {
          if (ws === sock) {
            ws = null;
            ready = null;
            onStatus?.(false);
            for (const [, done] of pending) done({ ok: false, error: { code: 'failed', message: 'the connection to the server was lost' } });
            pending.clear();
            setTimeout(() => void connect(), 1000);
          } else {
            setTimeout(() => open(Math.min(delay * 2, 5000)), delay);
          }
        };
      };
      open(250);
    });
    return ready;
  };

  return {
    async call(method, request) {
      const sock = ws ?? (await connect());
      const id = nextId++;
      const r = await new Promise<CallResult>((resolve) => {
        pending.set(id, resolve);
        sock.send(JSON.stringify({ t: 'call', id, method, request }));
      });
      if (!r.ok) return r;
      const read = methods[method].res.safeParse(r.value);
      return read.success ? { ok: true, value: read.data } : { ok: false, error: { code: 'failed', message: `${method}: the server's answer does not fit the contract` } };
    },
    listen(listener) {
      listeners.add(listener);
      void connect();
      return () => listeners.delete(listener);
    },
  };
}
