/**
 * Which node runs which integration: pure decisions, taken by every node for itself on every
 * heartbeat from the same rows. A node keeps at most its fair share (enabled integrations divided by
 * alive nodes, rounded up), claims integrations nobody alive holds while it is under its share, and
 * hands back what it holds beyond its share, so a node that joins gets work. Among the candidates it
 * prefers the integrations that rendezvous hashing gives to it, so the choice is stable.
 */
export interface PlacementRow {
  integrationId: string;
  enabled: boolean;
  /** the lease's node, null without a lease */
  owner: string | null;
}

export interface Plan {
  /** running here but not (or no longer) leased here, or disabled: stop at once */
  stop: string[];
  /** leased here beyond the fair share: stop, then give the lease back */
  release: string[];
  /** nobody alive holds them: try to claim, in this order, while under the share */
  claim: string[];
  /** leased here but not running (claimed before, or this node restarted with the same NODE_ID) */
  start: string[];
  share: number;
}

/** FNV-1a of a string: cheap and stable across nodes and restarts. */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The alive node rendezvous hashing gives an integration to. */
export function preferredNode(integrationId: string, alive: string[]): string | null {
  let best: string | null = null;
  let bestScore = -1;
  for (const n of alive) {
    const score = hash(`${integrationId}|${n}`);
    if (score > bestScore || (score === bestScore && n < best!)) [best, bestScore] = [n, score];
  }
  return best;
}

export function plan(me: string, alive: string[], rows: PlacementRow[], running: Set<string>): Plan {
  const aliveSet = new Set(alive);
  const enabled = rows.filter((r) => r.enabled);
  // a node that is not counted alive (stopping, or fenced) keeps nothing
  const share = aliveSet.has(me) ? Math.ceil(enabled.length / Math.max(1, aliveSet.size)) : 0;
  const mine = enabled.filter((r) => r.owner === me);
  const mineSet = new Set(mine.map((r) => r.integrationId));
  const stop = [...running].filter((id) => !mineSet.has(id));
  const prefersMe = (id: string) => preferredNode(id, alive) === me;
  // what to give back: first those another node is preferred for
  const release = mine
    .map((r) => r.integrationId)
    .sort((a, b) => Number(prefersMe(a)) - Number(prefersMe(b)) || (a < b ? -1 : 1))
    .slice(0, Math.max(0, mine.length - share));
  const released = new Set(release);
  const claim =
    mine.length < share
      ? enabled
          .filter((r) => r.owner === null || !aliveSet.has(r.owner))
          .filter((r) => r.owner !== me)
          .map((r) => r.integrationId)
          .sort((a, b) => Number(prefersMe(b)) - Number(prefersMe(a)) || (a < b ? -1 : 1))
      : [];
  const start = mine.map((r) => r.integrationId).filter((id) => !running.has(id) && !released.has(id));
  return { stop, release, claim, start, share };
}
