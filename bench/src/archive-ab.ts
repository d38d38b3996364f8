import type { BenchOptions, BenchRun } from './bench.js';
import { runBench } from './bench.js';
import type { Measure } from './scenarios.js';

/**
 * `--archive both` (issue 19): scenario 1 with the raw-message archive off (RAW_RETENTION_DAYS=0) and on
 * (7 days), each on a platform of its own, interleaved off/on for `rounds` rounds in one run so that the
 * machine's noise falls on both alike. The figure is the mean committed rate on ÷ off.
 */
export interface ArchiveAB {
  rounds: { archive: 'off' | 'on'; committedRate: number; cpuMsPer1k: number | null; lost: number }[];
  off: number;
  on: number;
  /** % slower with the archive (negative: faster) */
  slowerPct: number;
  target: string;
  pass: boolean;
  runs: BenchRun[];
}

const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));

export async function runArchiveAB(o: BenchOptions, rounds: number): Promise<ArchiveAB> {
  const out: ArchiveAB = { rounds: [], off: 0, on: 0, slowerPct: 0, target: 'archive on <= 15% slower than off', pass: false, runs: [] };
  for (let r = 0; r < rounds; r++) {
    for (const archive of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      o.log(`archive ${archive}, round ${r + 1} of ${rounds}`);
      const run = await runBench({ ...o, scenarios: [1], floor: false, nodered: false, env: { ...o.env, RAW_RETENTION_DAYS: archive === 'on' ? '7' : '0' } });
      const m = run.results[0]!.platform as Measure;
      out.runs.push(run);
      out.rounds.push({ archive, committedRate: m.committedRate, cpuMsPer1k: m.cpuMsPer1k, lost: m.lost });
    }
  }
  out.off = mean(out.rounds.filter((x) => x.archive === 'off').map((x) => x.committedRate));
  out.on = mean(out.rounds.filter((x) => x.archive === 'on').map((x) => x.committedRate));
  out.slowerPct = out.off ? Math.round((1 - out.on / out.off) * 1000) / 10 : 0;
  out.pass = out.slowerPct <= 15;
  return out;
}

export function archiveTable(ab: ArchiveAB): string {
  const lines = ab.rounds.map((x, i) => `  ${String(i + 1).padStart(2)}  archive ${x.archive.padEnd(3)}  ${x.committedRate.toLocaleString('en-US').padStart(8)} msgs/s  CPU ${x.cpuMsPer1k ?? '-'} ms/1k  lost ${x.lost}`);
  return [
    'scenario 1 (QoS 0 max rate, 1,000 devices), raw archive off vs on, interleaved:',
    ...lines,
    `mean: off ${ab.off.toLocaleString('en-US')} msgs/s, on ${ab.on.toLocaleString('en-US')} msgs/s: ${ab.slowerPct}% slower with the archive (${ab.target}: ${ab.pass ? 'yes' : 'NO'})`,
  ].join('\n');
}
