import { compileChain } from '../rule-engine/engine/compiled-chain.js';
import { debugModeActive, debugModeSinceOnSave, debugModeUntil } from './debug-mode.js';

const MIN = 15;
const T = 1_800_000_000_000;

describe('debug mode: one rule for converters, integrations and rule nodes', () => {
  it('records for DEBUG_MODE_AUTO_OFF_MIN after it was switched on, then stops', () => {
    const s = { debugMode: true, since: T, pinned: false };
    expect(debugModeActive(s, MIN, T + MIN * 60_000 - 1)).toBe(true);
    expect(debugModeActive(s, MIN, T + MIN * 60_000)).toBe(false);
    expect(debugModeUntil(s, MIN, T)).toBe(T + MIN * 60_000);
    expect(debugModeUntil(s, MIN, T + MIN * 60_000)).toBeNull();
  });

  it('stays on while pinned, with no end to show', () => {
    const s = { debugMode: true, since: T, pinned: true };
    expect(debugModeActive(s, MIN, T + 365 * 86_400_000)).toBe(true);
    expect(debugModeUntil(s, MIN, T)).toBeNull();
  });

  it('counts a debug mode with no known start as switched off (unless pinned)', () => {
    expect(debugModeActive({ debugMode: true, since: null, pinned: false }, MIN, T)).toBe(false);
    expect(debugModeActive({ debugMode: true, since: null, pinned: true }, MIN, T)).toBe(true);
    expect(debugModeActive({ debugMode: false, since: T, pinned: true }, MIN, T)).toBe(false);
  });

  it('a rule node follows the same rule as a converter or integration', () => {
    const node = (debugSince: number | null, debugPinned = false) => ({
      id: 'n',
      type: 'no.such.Node',
      name: 'n',
      debugMode: true,
      debugSince,
      debugPinned,
      configuration: {},
    });
    const end = (n: ReturnType<typeof node>) =>
      compileChain(
        { id: 'c', tenantId: 't', name: 'c', firstNodeId: 'n', nodes: [n], connections: [] },
        new Map(),
        MIN,
      ).nodes.find((x) => x.id === 'n')!.debugUntil;
    for (const [since, pinned] of [
      [null, false],
      [T, false],
      [null, true],
    ] as const) {
      const s = { debugMode: true, since, pinned };
      expect([since, pinned, debugModeActive(s, MIN, T + 1)]).toEqual([
        since,
        pinned,
        T + 1 < end(node(since, pinned)),
      ]);
    }
  });

  it('keeps the clock running when an active debug mode is saved unchanged, and starts it again otherwise', () => {
    const on = { debugMode: true, since: T, pinned: false };
    const now = T + 60_000;
    expect(debugModeSinceOnSave(on, { debugMode: true, pinned: false }, MIN, now)).toBe(T);
    expect(debugModeSinceOnSave(null, { debugMode: true, pinned: false }, MIN, now)).toBe(now);
    expect(debugModeSinceOnSave(on, { debugMode: false, pinned: false }, MIN, now)).toBeNull();
    // expired, then saved with debug mode on: a fresh 15 minutes
    expect(debugModeSinceOnSave(on, { debugMode: true, pinned: false }, MIN, T + MIN * 60_000)).toBe(
      T + MIN * 60_000,
    );
    // unpinning an old pin: the full time again, not off at once
    const oldPin = { debugMode: true, since: T - 86_400_000, pinned: true };
    expect(debugModeSinceOnSave(oldPin, { debugMode: true, pinned: false }, MIN, now)).toBe(now);
  });
});
