import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useSearchParams } from 'react-router';
import { isLiveConnected, onLiveStatus, subscribe, type LiveHandler } from './socket';

/**
 * Subscribes to a live room while the component is mounted (null = nothing).
 * The handler may change between renders without resubscribing.
 */
export function useSocket(room: string | null | undefined, handler: LiveHandler): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    if (!room) return;
    return subscribe(room, (ev, p) => ref.current(ev, p));
  }, [room]);
}

/** true while the live connection is up (for a "live" indicator). */
export function useLiveConnected(): boolean {
  return useSyncExternalStore(onLiveStatus, isLiveConnected, () => false);
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (fn: (old: T | undefined) => T | undefined) => void;
}

/** Runs `load` whenever `deps` change; the latest answer wins (earlier ones are dropped). */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load(ac.signal).then(
      (data) => !ac.signal.aborted && setState({ data, loading: false }),
      (error: unknown) => !ac.signal.aborted && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => ac.abort();
    // deps are the caller's: `load` is a new closure every render
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const setData = useCallback((fn: (old: T | undefined) => T | undefined) => setState((s) => ({ ...s, data: fn(s.data) })), []);
  return { data: state.data, error: state.error, loading: state.loading, reload, setData };
}

export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export interface PageParams {
  page: number;
  pageSize: number;
  textSearch: string;
  sortProperty: string;
  sortOrder: 'ASC' | 'DESC';
  /** any other filter kept in the URL, e.g. type */
  extra: Record<string, string>;
}

/** List state (page, size, search, sort, filters) kept in the URL so reload and back work. */
export function usePageParams(defaults: { sortProperty: string; sortOrder?: 'ASC' | 'DESC'; pageSize?: number }) {
  const [sp, setSp] = useSearchParams();
  const params: PageParams = {
    page: Number(sp.get('page') ?? 0) || 0,
    pageSize: Number(sp.get('pageSize') ?? defaults.pageSize ?? 10) || 10,
    textSearch: sp.get('textSearch') ?? '',
    sortProperty: sp.get('sortProperty') ?? defaults.sortProperty,
    sortOrder: (sp.get('sortOrder') as 'ASC' | 'DESC' | null) ?? defaults.sortOrder ?? 'DESC',
    extra: Object.fromEntries([...sp.entries()].filter(([k]) => !['page', 'pageSize', 'textSearch', 'sortProperty', 'sortOrder'].includes(k))),
  };
  const update = useCallback(
    (patch: Partial<Omit<PageParams, 'extra'>> & { extra?: Record<string, string | undefined> }) => {
      setSp(
        (prev) => {
          const next = new URLSearchParams(prev);
          const { extra, ...rest } = patch;
          for (const [k, v] of Object.entries({ ...rest, ...extra })) {
            if (v === undefined || v === '') next.delete(k);
            else next.set(k, String(v));
          }
          // a new search or filter starts from the first page
          if (patch.page === undefined && (patch.textSearch !== undefined || extra || patch.pageSize !== undefined)) next.delete('page');
          return next;
        },
        { replace: true },
      );
    },
    [setSp],
  );
  return [params, update] as const;
}
