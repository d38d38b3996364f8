/**
 * A/B runs on a shared, noisy machine: the two arms alternate within each round (which goes first
 * swaps every round), so the noise of the moment falls on both alike; arms are compared by medians.
 * Used by `--archive both` (archive-ab.ts) and `--ops both` (bench.ts).
 */
export interface ABRound<A extends string, R> {
  arm: A;
  /** 0-based */
  round: number;
  result: R;
}

/** Runs `runOne` for each arm in each of `rounds` rounds: round 0 as `arms` are given, round 1 swapped, … */
export async function interleaved<A extends string, R>(
  arms: readonly [A, A],
  rounds: number,
  runOne: (arm: A, round: number) => Promise<R>,
): Promise<ABRound<A, R>[]> {
  const out: ABRound<A, R>[] = [];
  for (let round = 0; round < rounds; round++)
    for (const arm of round % 2 === 0 ? arms : ([arms[1], arms[0]] as const))
      out.push({ arm, round, result: await runOne(arm, round) });
  return out;
}

/** The bench's one median (stats.ts), for the arms' comparison. */
export { median } from './stats.js';

/** How much slower `rate` is than `base`, in % with one decimal (negative: faster); null without a base. */
export function slowerPct(rate: number, base: number): number | null {
  return base ? Math.round((1 - rate / base) * 1000) / 10 : null;
}
