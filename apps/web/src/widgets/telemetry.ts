import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../app/api';
import { useSocket } from '../app/hooks';

export interface TsPoint {
  ts: number;
  value: unknown;
}
export type TsData = Record<string, TsPoint[]>;

/** socket.io `telemetry` event (interfaces.md) */
interface TelemetryEvent {
  deviceId: string;
  data: TsData;
}

const base = (deviceId: string) => `/api/plugins/telemetry/DEVICE/${deviceId}`;

/** Keys to show: the configured ones, or every time-series key of the device when none are configured. */
async function resolveKeys(deviceId: string, keys: string[], signal: AbortSignal): Promise<string[]> {
  if (keys.length) return keys;
  return api.get<string[]>(`${base(deviceId)}/keys/timeseries`, undefined, signal);
}

/** Calls `onData` with each live telemetry update of the device. */
export function useLiveTelemetry(deviceId: string | null, onData: (data: TsData) => void): void {
  useSocket(deviceId ? `device:${deviceId}` : null, (event, payload) => {
    const p = payload as TelemetryEvent;
    if (event === 'telemetry' && p?.deviceId === deviceId && p.data) onData(p.data);
  });
}

/** Latest value per key, loaded once and then kept current through socket.io. */
export function useLatestValues(deviceId: string | null, keys: string[]) {
  const [values, setValues] = useState<Record<string, TsPoint>>({});
  const [state, setState] = useState<{ loading: boolean; error: string | null }>({
    loading: !!deviceId,
    error: null,
  });
  const keyList = keys.join(',');
  useEffect(() => {
    if (!deviceId) return;
    const ac = new AbortController();
    setState({ loading: true, error: null });
    (async () => {
      const ks = await resolveKeys(deviceId, keyList ? keyList.split(',') : [], ac.signal);
      const data = ks.length
        ? await api.get<TsData>(
            `${base(deviceId)}/values/timeseries`,
            { keys: ks.join(','), useStrictDataTypes: true },
            ac.signal,
          )
        : {};
      const latest: Record<string, TsPoint> = {};
      for (const [k, pts] of Object.entries(data)) if (pts[0]) latest[k] = pts[0];
      setValues(latest);
      setState({ loading: false, error: null });
    })().catch((e: unknown) => !ac.signal.aborted && setState({ loading: false, error: errorMessage(e) }));
    return () => ac.abort();
  }, [deviceId, keyList]);
  useLiveTelemetry(
    deviceId,
    useCallback(
      (data: TsData) =>
        setValues((old) => {
          const wanted = keyList ? new Set(keyList.split(',')) : null;
          const next = { ...old };
          for (const [k, pts] of Object.entries(data)) {
            if (wanted && !wanted.has(k)) continue;
            const newest = pts.reduce<TsPoint | undefined>((a, p) => (!a || p.ts >= a.ts ? p : a), undefined);
            if (newest && (!next[k] || newest.ts >= next[k].ts)) next[k] = newest;
          }
          return next;
        }),
      [keyList],
    ),
  );
  return { values, ...state };
}

/** The last `windowMs` of each key (oldest first), loaded from history and then extended live. */
export function useTimeseries(deviceId: string | null, keys: string[], windowMs: number, limit = 1000) {
  const [series, setSeries] = useState<TsData>({});
  const [state, setState] = useState<{ loading: boolean; error: string | null }>({
    loading: !!deviceId,
    error: null,
  });
  const keyList = keys.join(',');
  useEffect(() => {
    if (!deviceId) return;
    const ac = new AbortController();
    setState({ loading: true, error: null });
    (async () => {
      const ks = await resolveKeys(deviceId, keyList ? keyList.split(',') : [], ac.signal);
      const endTs = Date.now();
      const data = ks.length
        ? await api.get<TsData>(
            `${base(deviceId)}/values/timeseries`,
            {
              keys: ks.join(','),
              startTs: endTs - windowMs,
              endTs,
              limit,
              orderBy: 'ASC',
              useStrictDataTypes: true,
            },
            ac.signal,
          )
        : {};
      const sorted: TsData = {};
      for (const [k, pts] of Object.entries(data)) sorted[k] = [...pts].sort((a, b) => a.ts - b.ts);
      setSeries(sorted);
      setState({ loading: false, error: null });
    })().catch((e: unknown) => !ac.signal.aborted && setState({ loading: false, error: errorMessage(e) }));
    return () => ac.abort();
  }, [deviceId, keyList, windowMs, limit]);
  useLiveTelemetry(
    deviceId,
    useCallback(
      (data: TsData) =>
        setSeries((old) => {
          const from = Date.now() - windowMs;
          const wanted = keyList ? new Set(keyList.split(',')) : null;
          const next: TsData = { ...old };
          for (const [k, pts] of Object.entries(data)) {
            if (wanted && !wanted.has(k)) continue;
            next[k] = [...(next[k] ?? []), ...pts]
              .filter((p) => p.ts >= from)
              .sort((a, b) => a.ts - b.ts)
              .slice(-limit);
          }
          return next;
        }),
      [keyList, windowMs, limit],
    ),
  );
  return { series, ...state };
}

export function formatValue(v: unknown, decimals?: number): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return decimals === undefined ? String(v) : v.toFixed(decimals);
  if (typeof v === 'string' && decimals !== undefined && v.trim() !== '' && !Number.isNaN(Number(v)))
    return Number(v).toFixed(decimals);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
