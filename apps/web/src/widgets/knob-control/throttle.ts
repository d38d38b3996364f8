/**
 * Calls `fn` at once, then at most once per `ms` with the latest value while calls keep coming
 * (trailing call included), so one turn of a knob sends a short series of values ending with
 * where it stopped — as ThingsBoard's knob does, and as the guide's terminal output shows.
 */
export function throttle<T>(fn: (v: T) => void, ms: number): { (v: T): void; flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: { v: T } | null = null;
  const tick = () => {
    if (pending) {
      const { v } = pending;
      pending = null;
      fn(v);
      timer = setTimeout(tick, ms);
    } else timer = null;
  };
  const call = (v: T) => {
    if (timer) {
      pending = { v };
      return;
    }
    fn(v);
    timer = setTimeout(tick, ms);
  };
  call.flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending) {
      const { v } = pending;
      pending = null;
      fn(v);
    }
  };
  call.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return call;
}
