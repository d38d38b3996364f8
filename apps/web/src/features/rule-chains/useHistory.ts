import { useCallback, useState } from 'react';

const LIMIT = 100;

/**
 * Undo/redo over immutable snapshots. `commit` records a step; `replace` changes the present
 * without one (a drag in progress), after a `checkpoint` taken when the drag started.
 */
export function useHistory<T>(initial: T) {
  const [h, setH] = useState<{ past: T[]; present: T; future: T[] }>({
    past: [],
    present: initial,
    future: [],
  });
  const commit = useCallback(
    (fn: (p: T) => T) =>
      setH((s) => ({ past: [...s.past, s.present].slice(-LIMIT), present: fn(s.present), future: [] })),
    [],
  );
  const replace = useCallback((fn: (p: T) => T) => setH((s) => ({ ...s, present: fn(s.present) })), []);
  const checkpoint = useCallback(
    () => setH((s) => ({ past: [...s.past, s.present].slice(-LIMIT), present: s.present, future: [] })),
    [],
  );
  const undo = useCallback(
    () =>
      setH((s) =>
        s.past.length
          ? {
              past: s.past.slice(0, -1),
              present: s.past[s.past.length - 1]!,
              future: [s.present, ...s.future],
            }
          : s,
      ),
    [],
  );
  const redo = useCallback(
    () =>
      setH((s) =>
        s.future.length
          ? { past: [...s.past, s.present], present: s.future[0]!, future: s.future.slice(1) }
          : s,
      ),
    [],
  );
  const reset = useCallback((v: T) => setH({ past: [], present: v, future: [] }), []);
  return {
    present: h.present,
    canUndo: h.past.length > 0,
    canRedo: h.future.length > 0,
    commit,
    replace,
    checkpoint,
    undo,
    redo,
    reset,
  };
}
