import type { BenchRun } from './bench.js';

const fmt = (v: unknown) =>
  v === null || v === undefined ? '-' : typeof v === 'number' ? v.toLocaleString('en-US') : String(v);

/** The run as a plain-text table (one row per scenario and pipeline). */
export function table(run: BenchRun): string {
  const head = [
    '#',
    'scenario',
    'pipeline',
    'committed/s',
    'published/s',
    'lost',
    'p50/p95/p99 commit ms',
    'p99 browser ms',
    'CPU ms/1k msgs',
    'peak RSS MB',
    'vs floor',
    'target',
    'pass',
  ];
  const rows: string[][] = [];
  for (const r of run.results) {
    for (const [label, m] of [
      ['platform', r.platform],
      ['one node', r.single],
      ['floor', r.floor],
      ['node-red', r.nodered],
    ] as const) {
      if (!m) continue;
      const x = m as unknown as Record<string, any>;
      const isNew = 'allExistMs' in x;
      rows.push([
        String(r.id),
        label === 'platform' ? r.name : '',
        label === 'platform' && r.single ? 'platform, 2 nodes' : label,
        isNew ? `all ${fmt(x.existing)} in ${fmt(x.allExistMs)} ms` : fmt(x.committedRate),
        isNew ? `${fmt(x.published)} msgs` : fmt(x.publishedRate),
        isNew ? `dup ${x.duplicateRows}/${fmt(x.duplicateCreatedEvents)}` : fmt(x.lost),
        x.latencyCommitted
          ? `${x.latencyCommitted.p50}/${x.latencyCommitted.p95}/${x.latencyCommitted.p99}`
          : '',
        x.latencyBrowser ? fmt(x.latencyBrowser.p99) : '',
        x.pgCpuMsPer1k != null ? `${fmt(x.cpuMsPer1k)} + pg ${fmt(x.pgCpuMsPer1k)}` : fmt(x.cpuMsPer1k),
        fmt(x.peakRssMb),
        label === 'platform' ? fmt(r.ratio) : label === 'node-red' ? fmt(r.noderedRatio) : '',
        label === 'platform' ? r.target : '',
        label === 'platform' ? (r.pass === null ? '?' : r.pass ? 'yes' : 'NO') : '',
      ]);
    }
  }
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i]!)).join(' | ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('-|-'), ...rows.map(line)].join('\n');
}
