/**
 * The one rule for debug mode, shared by converters, integrations and rule nodes: switched on at
 * `since`, it records until `since + DEBUG_MODE_AUTO_OFF_MIN` unless pinned ("Keep on"). A debug mode
 * that is on with no known start (rows from before the start was kept) counts as already expired:
 * debug events cost CPU and disk, so an unknown clock errs towards off, never towards forever.
 */
export interface DebugSwitch {
  debugMode: boolean;
  since: number | null;
  pinned: boolean;
}

/** Until when events are recorded (ms): 0 when off, Infinity when pinned. */
export function debugModeEnd(s: DebugSwitch, autoOffMin: number): number {
  if (!s.debugMode) return 0;
  if (s.pinned) return Infinity;
  return s.since == null ? 0 : s.since + autoOffMin * 60_000;
}

export function debugModeActive(s: DebugSwitch, autoOffMin: number, now: number): boolean {
  return now < debugModeEnd(s, autoOffMin);
}

/** `debugModeUntil` as the API shows it: when an active, unpinned debug mode switches itself off; otherwise null. */
export function debugModeUntil(s: DebugSwitch, autoOffMin: number, now: number): number | null {
  const end = debugModeEnd(s, autoOffMin);
  return now < end && end !== Infinity ? end : null;
}

/**
 * The start to store when debug mode is saved as `next`: the clock keeps running while an active
 * debug mode is saved unchanged; switching it on, or changing "Keep on", starts it again (so
 * unpinning an old pin gives the full time instead of switching off at once).
 */
export function debugModeSinceOnSave(
  prev: DebugSwitch | null,
  next: { debugMode: boolean; pinned: boolean },
  autoOffMin: number,
  now: number,
): number | null {
  if (!next.debugMode) return null;
  const keep = prev && debugModeActive(prev, autoOffMin, now) && prev.pinned === next.pinned;
  return keep ? prev.since : now;
}
