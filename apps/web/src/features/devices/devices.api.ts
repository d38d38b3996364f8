import type { Device, DeviceInfo, PageData } from '@bridgeboard/contracts';
import { api, type Query } from '../../app/api';

export type TsPoint = { ts: number; value: unknown };
export type TsData = Record<string, TsPoint[]>;
export interface AttributeKv {
  key: string;
  value: unknown;
  lastUpdateTs: number;
}
export type AttributeScope = 'SERVER_SCOPE' | 'SHARED_SCOPE' | 'CLIENT_SCOPE';

const tele = (id: string) => `/api/plugins/telemetry/DEVICE/${id}`;

export const devicesApi = {
  page: (q: Query, signal?: AbortSignal) => api.get<PageData<Device>>('/api/tenant/devices', q, signal),
  /** the page with ThingsBoard's activity state (active, lastActivityTime) */
  infos: (q: Query, signal?: AbortSignal) => api.get<PageData<DeviceInfo>>('/api/tenant/deviceInfos', q, signal),
  get: (id: string, signal?: AbortSignal) => api.get<Device>(`/api/device/${id}`, undefined, signal),
  save: (d: Partial<Device> & { name: string; type: string }) => api.post<Device>('/api/device', d),
  delete: (id: string) => api.delete(`/api/device/${id}`),
  keys: (id: string, signal?: AbortSignal) => api.get<string[]>(`${tele(id)}/keys/timeseries`, undefined, signal),
  latest: (id: string, keys: string[], signal?: AbortSignal) =>
    api.get<TsData>(`${tele(id)}/values/timeseries`, { keys: keys.join(','), useStrictDataTypes: true }, signal),
  history: (id: string, keys: string[], startTs: number, endTs: number, limit = 1000, signal?: AbortSignal) =>
    api.get<TsData>(`${tele(id)}/values/timeseries`, { keys: keys.join(','), startTs, endTs, limit, orderBy: 'ASC', useStrictDataTypes: true }, signal),
  attributes: (id: string, scope: AttributeScope, signal?: AbortSignal) => api.get<AttributeKv[]>(`${tele(id)}/values/attributes/${scope}`, undefined, signal),
  saveAttributes: (id: string, scope: AttributeScope, values: Record<string, unknown>) => api.post(`${tele(id)}/attributes/${scope}`, values),
};

/** Values parsed from the live `telemetry` payload {deviceId, data: {key: [{ts, value}]}}. */
export function mergeLatest(old: TsData | undefined, incoming: TsData): TsData {
  const next: TsData = { ...(old ?? {}) };
  for (const [k, pts] of Object.entries(incoming)) {
    const newest = [...pts].sort((a, b) => b.ts - a.ts)[0];
    if (!newest) continue;
    const cur = next[k]?.[0];
    if (!cur || newest.ts >= cur.ts) next[k] = [newest];
  }
  return next;
}

export const showValue = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
