import type { BenchOptions, BenchRun } from './bench.js';
import { runBench } from './bench.js';
import { interleaved, slowerPct } from './ab.js';
import type { Measure } from './scenarios.js';
import { median } from './stats.js';

/**
 * `--archive both` (issue 19): scenario 1 with the raw-message archive off (RAW_RETENTION_DAYS=0) and on
 * (7 days), each on a platform of its own, interleaved off/on for `rounds` rounds in one run so that the
 * machine's noise falls on both alike. The figure is the mean committed rate on ÷ off.
 */
export interface ArchiveAB {
  rounds: { archive: 'off' | 'on'; committedRate: number; cpuMsPer1k: number | null; lost: number }[];
  /** median committed rate, msgs/s */
  off: number;
  on: number;
  /** % slower with the archive, medians (negative: faster) */
  slowerPct: number;
  /** mean CPU ms per 1,000 messages (less noisy than the rate on a shared machine) */
  cpuOff: number | null;
  cpuOn: number | null;
  /** % more CPU per message with the archive */
  cpuMorePct: number | null;
  target: string;
  pass: boolean;
  runs: BenchRun[];
}

const mean = (xs: number[]) =>
  xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null;
const pct = (a: number | null, b: number | null) =>
  a != null && b ? Math.round((a / b - 1) * 1000) / 10 : null;

export async function runArchiveAB(o: BenchOptions, rounds: number): Promise<ArchiveAB> {
  const out: ArchiveAB = {
    rounds: [],
    off: 0,
    on: 0,
    slowerPct: 0,
    cpuOff: null,
    cpuOn: null,
    cpuMorePct: null,
    target: 'archive on <= 15% slower than off',
    pass: false,
    runs: [],
  };
  await interleaved(['off', 'on'] as const, rounds, async (archive, r) => {
    o.log(`archive ${archive}, round ${r + 1} of ${rounds}`);
    const run = await runBench({ ...o, scenarios: [1], floor: false, nodered: false, archive });
    const m = run.results[0]!.platform as Measure;
    out.runs.push(run);
    out.rounds.push({ archive, committedRate: m.committedRate, cpuMsPer1k: m.cpuMsPer1k, lost: m.lost });
  });
  const of = (a: 'on' | 'off') => out.rounds.filter((x) => x.archive === a);
  out.off = median(of('off').map((x) => x.committedRate));
  out.on = median(of('on').map((x) => x.committedRate));
  out.cpuOff = mean(of('off').flatMap((x) => (x.cpuMsPer1k == null ? [] : [x.cpuMsPer1k])));
  out.cpuOn = mean(of('on').flatMap((x) => (x.cpuMsPer1k == null ? [] : [x.cpuMsPer1k])));
  out.cpuMorePct = pct(out.cpuOn, out.cpuOff);
  out.slowerPct = slowerPct(out.on, out.off) ?? 0;
  out.pass = out.slowerPct <= 15;
  return out;
}

export function archiveTable(ab: ArchiveAB): string {
  const lines = ab.rounds.map(
    (x, i) =>
      `  ${String(i + 1).padStart(2)}  archive ${x.archive.padEnd(3)}  ${x.committedRate.toLocaleString('en-US').padStart(8)} msgs/s  CPU ${x.cpuMsPer1k ?? '-'} ms/1k  lost ${x.lost}`,
  );
  return [
    'scenario 1 (QoS 0 max rate, 1,000 devices), raw archive off vs on, interleaved:',
    ...lines,
    `median: off ${ab.off.toLocaleString('en-US')} msgs/s, on ${ab.on.toLocaleString('en-US')} msgs/s: ${ab.slowerPct}% slower with the archive (${ab.target}: ${ab.pass ? 'yes' : 'NO'})`,
    `CPU per 1,000 messages (mean): off ${ab.cpuOff ?? '-'} ms, on ${ab.cpuOn ?? '-'} ms: ${ab.cpuMorePct ?? '-'}% more with the archive`,
  ].join('\n');
}
