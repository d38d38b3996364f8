import { useCallback, useEffect, useRef, useState } from 'react';
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

/**
 * Calls `onData` with each live telemetry update of the device. The returned number grows each time
 * the device's room is (re)joined: a widget reloads on it, so nothing sent before the join (first
 * load, or while the socket was reconnecting) is missed.
 */
export function useLiveTelemetry(deviceId: string | null, onData: (data: TsData) => void): number {
  const [joins, setJoins] = useState(0);
  useSocket(deviceId ? `device:${deviceId}` : null, (event, payload) => {
    if (event === 'subscribed') return setJoins((n) => n + 1);
    const p = payload as TelemetryEvent;
    if (event === 'telemetry' && p?.deviceId === deviceId && p.data) onData(p.data);
  });
  return joins;
}

/** A reload of what is already on screen shows no spinner; only the first load of a device does. */
const loadingState = (first: boolean) => ({ loading: first, error: null });

/** Latest value per key, loaded once and then kept current through socket.io. */
export function useLatestValues(deviceId: string | null, keys: string[]) {
  const [values, setValues] = useState<Record<string, TsPoint>>({});
  const [state, setState] = useState<{ loading: boolean; error: string | null }>({
    loading: !!deviceId,
    error: null,
  });
  const keyList = keys.join(',');
  const shown = useRef('');
  const load = (deviceId: string, ac: AbortController) => {
    const what = `${deviceId}|${keyList}`;
    const first = shown.current !== what; // shown.current: what the last finished load showed
    setState(loadingState(first));
    (async () => {
      const ks = await resolveKeys(deviceId, keyList ? keyList.split(',') : [], ac.signal);
      const data = ks.length
        ? await api.get<TsData>(
            `${base(deviceId)}/values/timeseries`,
            { keys: ks.join(','), useStrictDataTypes: true },
            ac.signal,
          )
        : {};
      if (ac.signal.aborted) return;
      // a live value that arrived while this was loading may be newer than the answer
      setValues((old) => {
        const latest: Record<string, TsPoint> = {};
        for (const [k, pts] of Object.entries(data)) if (pts[0]) latest[k] = pts[0];
        if (!first)
          for (const [k, p] of Object.entries(old)) if (!latest[k] || p.ts > latest[k].ts) latest[k] = p;
        return latest;
      });
      shown.current = what;
      setState({ loading: false, error: null });
    })().catch((e: unknown) => !ac.signal.aborted && setState({ loading: false, error: errorMessage(e) }));
  };
  const joins = useLiveTelemetry(
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
  useEffect(() => {
    if (!deviceId) return;
    const ac = new AbortController();
    load(deviceId, ac);
    return () => ac.abort();
  }, [deviceId, keyList, joins]);
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
  const shown = useRef('');
  const load = (deviceId: string, ac: AbortController) => {
    const what = `${deviceId}|${keyList}|${windowMs}|${limit}`;
    const first = shown.current !== what; // shown.current: what the last finished load showed
    setState(loadingState(first));
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
      if (ac.signal.aborted) return;
      setSeries((old) => {
        const sorted: TsData = {};
        for (const [k, pts] of Object.entries(data)) {
          // points that arrived live after the answer's end are not in it
          const later = first ? [] : (old[k] ?? []).filter((p) => p.ts >= endTs);
          sorted[k] = [...pts, ...later].sort((a, b) => a.ts - b.ts).slice(-limit);
        }
        return sorted;
      });
      shown.current = what;
      setState({ loading: false, error: null });
    })().catch((e: unknown) => !ac.signal.aborted && setState({ loading: false, error: errorMessage(e) }));
  };
  const joins = useLiveTelemetry(
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
  useEffect(() => {
    if (!deviceId) return;
    const ac = new AbortController();
    load(deviceId, ac);
    return () => ac.abort();
  }, [deviceId, keyList, windowMs, limit, joins]);
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
