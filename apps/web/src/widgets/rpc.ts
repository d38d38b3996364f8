import { api } from '../app/api';

export type RpcMode = 'oneway' | 'twoway';

/** POST /api/plugins/rpc/{oneway|twoway}/{deviceId}: resolves with the device's reply (two-way) or nothing. */
export function sendRpc(
  deviceId: string,
  mode: RpcMode,
  method: string,
  params: unknown,
  timeout?: number,
): Promise<unknown> {
  const body: Record<string, unknown> = { method, params };
  if (timeout) body.timeout = timeout;
  return api.post<unknown>(`/api/plugins/rpc/${mode}/${deviceId}`, body);
}

/** A device's reply to getValue may be a number, `{value: n}`, or either as JSON text. */
export function replyValue(reply: unknown): unknown {
  let r = reply;
  if (typeof r === 'string') {
    try {
      r = JSON.parse(r);
    } catch {
      return r;
    }
  }
  if (r && typeof r === 'object' && 'value' in r) return (r as { value: unknown }).value;
  return r;
}
