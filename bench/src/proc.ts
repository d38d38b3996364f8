import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

/**
 * CPU seconds (user + system) of a process and its live sandbox workers
 * (the platform's sandbox worker processes), from /proc. The time of a worker that died during the
 * window is lost from the count (rare: only after a crash).
 */
export function cpuSeconds(pid: number): number | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after the command: state(0) ... utime(11) stime(12); not cutime: an embedded Postgres's
    // processes are reaped children of the platform too
    let ticks = Number(f[11]) + Number(f[12]);
    for (const c of childrenOf(pid)) ticks += (cpuSeconds(c) ?? 0) * TICK;
    return ticks / TICK;
  } catch {
    return null;
  }
}

/**
 * Live sandbox worker processes of `pid` (every thread's children running worker-main); an embedded
 * Postgres the platform started is its child too, and is not the platform's own cost.
 */
export function childrenOf(pid: number): number[] {
  try {
    const out: number[] = [];
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const c = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (c) out.push(...c.split(/\s+/).map(Number));
    }
    return out.filter((c) => {
      try {
        return readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('worker-main');
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
}

/** Resident memory of a process and its live descendants, kB. */
function treeRssKb(pid: number): number | null {
  const own = statusKb(pid, 'VmRSS');
  if (own === null) return null;
  return childrenOf(pid).reduce((n, c) => n + (treeRssKb(c) ?? 0), own);
}

function statusKb(pid: number, key: string): number | null {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Samples one process (with its sandbox workers) while a scenario runs: CPU seconds used and peak RSS (MB). The kernel's
 * high-water mark (VmHWM) is reset at the start when allowed (clear_refs 5), and also sampled.
 */
export class ProcMeter {
  private cpu0: number | null;
  private peakKb = 0;
  private timer: NodeJS.Timeout;
  private hwmReset = false;

  constructor(private readonly pid: number | null) {
    this.cpu0 = pid ? cpuSeconds(pid) : null;
    if (pid) {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        this.hwmReset = true;
      } catch {
        /* not our process or not permitted: fall back to sampling */
      }
    }
    this.timer = setInterval(() => this.sample(), 200);
    this.sample();
  }

  private sample(): void {
    if (!this.pid) return;
    const rss = treeRssKb(this.pid);
    if (rss && rss > this.peakKb) this.peakKb = rss;
  }

  stop(): { cpuSec: number | null; peakRssMb: number | null } {
    clearInterval(this.timer);
    this.sample();
    if (!this.pid) return { cpuSec: null, peakRssMb: null };
    const cpu1 = cpuSeconds(this.pid);
    const hwm = this.hwmReset ? statusKb(this.pid, 'VmHWM') : null;
    const peak = Math.max(this.peakKb, hwm ?? 0);
    return {
      cpuSec: cpu1 !== null && this.cpu0 !== null ? Math.round((cpu1 - this.cpu0) * 100) / 100 : null,
      peakRssMb: peak ? Math.round(peak / 1024) : null,
    };
  }
}

/**
 * CPU seconds, per process, of the Postgres backends serving `database` on this machine
 * (`postgres: [cluster: ]user db …` processes in /proc). Empty when the server is not local.
 */
export function pgBackendCpu(database: string): Map<number, number> {
  const out = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const p of entries) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres: ') || !cmd.includes(` ${database} `)) continue;
      const s = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.set(Number(p), (Number(f[11]) + Number(f[12])) / TICK);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/**
 * Postgres backend CPU of one database over a window, for "CPU per 1,000 messages" with the
 * database's share. Sampled every second, so a backend that ends inside the window (a pool closing
 * an idle connection) keeps what it used up to its last sample; one that starts inside it counts whole.
 */
export class PgMeter {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly timer: NodeJS.Timeout | null = null;
  constructor(private readonly database: string | null) {
    if (!database) return;
    for (const [pid, cpu] of pgBackendCpu(database)) this.first.set(pid, cpu);
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
  }
  private sample(): void {
    if (this.database) for (const [pid, cpu] of pgBackendCpu(this.database)) this.last.set(pid, cpu);
  }
  stop(): number | null {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    if (!this.last.size) return null;
    let sec = 0;
    for (const [pid, cpu] of this.last) sec += cpu - (this.first.get(pid) ?? 0);
    return Math.round(sec * 100) / 100;
  }
}
