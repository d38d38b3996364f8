import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxLimits } from './limits.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';

export type ExitCause = { code: 'MEMORY' | 'CRASHED' | 'TIMEOUT'; detail: string };

export interface WorkerEvents {
  reply(r: Extract<WorkerReply, { id: number }>): void;
  /** the process is gone; `stuck` = calls it named as impossible to interrupt */
  exit(cause: ExitCause, stuck: Set<number>): void;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');

/**
 * One sandbox worker process. Started on demand, watched for its resident memory (what the
 * isolates' heap limits do not count), killed when asked or when it grows past its cap.
 */
export class WorkerProcess {
  private child: ChildProcess | null = null;
  private stuck = new Set<number>();
  private stderrTail = '';
  private rssKilled = false;
  private rssTimer: NodeJS.Timeout | null = null;
  startedAt = 0;
  private referenced = true;

  constructor(
    private readonly limits: SandboxLimits,
    private readonly maxRssMb: number,
    private readonly events: WorkerEvents,
  ) {}

  get alive(): boolean {
    return !!this.child;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.child) return;
    const entry = fromSource ? sourceBuild() : path.join(here, 'worker-main.js');
    const child = fork(entry, [JSON.stringify(this.limits)], {
      // BB_SANDBOX_WORKER_NODE_ARGS: for investigations, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof
      execArgv: ['--no-node-snapshot', ...(process.env.BB_SANDBOX_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
      serialization: 'advanced',
      // its own process group: a Ctrl-C in the terminal reaches the server, which finishes its batches
      // with the workers still there; a worker leaves when the server does (IPC disconnect)
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // nothing of the server's environment (database URL, secrets) is visible where scripts run
      env: { PATH: process.env.PATH ?? '' },
    });
    this.child = child;
    this.stuck = new Set();
    this.stderrTail = '';
    this.rssKilled = false;
    this.startedAt = Date.now();
    this.referenced = true;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-4000);
    });
    child.on('message', (m: WorkerReply) => {
      if ('op' in m) m.ids.forEach((id) => this.stuck.add(id));
      else this.events.reply(m);
    });
    child.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      if (this.rssTimer) clearInterval(this.rssTimer);
      this.rssTimer = null;
      // stderr may still hold the last words (V8's fatal OOM message); let it drain first
      setImmediate(() => this.events.exit(this.cause(code, signal), this.stuck));
    });
    if (this.maxRssMb > 0 && existsSync(`/proc/${child.pid}/statm`)) {
      this.rssTimer = setInterval(() => this.checkRss(child), 250);
      this.rssTimer.unref();
    }
  }

  send(m: WorkerRequest): void {
    this.ref(true);
    this.child?.send(m, (e) => {
      // the process is going away; its exit handler fails or retries what was sent
      void e;
    });
  }

  /** Lets the server exit while the worker idles (and keeps it alive while calls are in flight). */
  ref(on: boolean): void {
    const c = this.child;
    if (!c || this.referenced === on) return;
    this.referenced = on;
    const handles = [c.channel, c.stderr] as ({ ref(): void; unref(): void } | null | undefined)[];
    if (on) {
      c.ref();
      handles.forEach((h) => h?.ref());
    } else {
      c.unref();
      handles.forEach((h) => h?.unref());
    }
  }

  kill(): void {
    this.child?.kill('SIGKILL');
  }

  /** Stops the process without telling anyone (pool disposal). */
  stop(): void {
    const c = this.child;
    this.child = null;
    if (this.rssTimer) clearInterval(this.rssTimer);
    this.rssTimer = null;
    c?.kill('SIGKILL');
  }

  private checkRss(child: ChildProcess): void {
    try {
      const pages = Number(readFileSync(`/proc/${child.pid}/statm`, 'utf8').split(' ')[1]);
      if ((pages * 4096) / 2 ** 20 > this.maxRssMb) {
        this.rssKilled = true;
        child.kill('SIGKILL');
      }
    } catch {
      /* gone already */
    }
  }

  private cause(code: number | null, signal: NodeJS.Signals | null): ExitCause {
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    if (this.rssKilled)
      return { code: 'MEMORY', detail: `the sandbox worker grew past ${this.maxRssMb} MB of memory and was replaced` };
    if (/out of memory|heap limit|allocation failed|is_heap_oom|OOM/i.test(this.stderrTail))
      return { code: 'MEMORY', detail: `the sandbox worker ran out of memory (${how}) and was replaced` };
    if (code === 71) return { code: 'TIMEOUT', detail: 'the sandbox worker stopped a script it could not interrupt' };
    return { code: 'CRASHED', detail: `the sandbox worker died (${how}) and was replaced` };
  }
}

let built: string | null = null;
/**
 * Running from TypeScript source (tests, `--platform source`): the worker's files are compiled to
 * JavaScript once per version of their source, next to the package (so isolated-vm resolves from
 * there). A loader hook in every worker would cost seconds per start.
 */
function sourceBuild(): string {
  if (built) return built;
  const files = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
  const hash = createHash('sha256');
  for (const f of files.sort()) hash.update(f).update(readFileSync(path.join(here, f)));
  const dir = path.join(here, '..', '.worker-build', hash.digest('hex').slice(0, 16));
  const entry = path.join(dir, 'worker-main.js');
  if (!existsSync(entry)) {
    const swc = createRequire(import.meta.url)('@swc/core') as {
      transformSync(code: string, o: object): { code: string };
    };
    const tmp = `${dir}.${process.pid}.tmp`;
    mkdirSync(tmp, { recursive: true });
    for (const f of files) {
      const { code } = swc.transformSync(readFileSync(path.join(here, f), 'utf8'), {
        filename: f,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      });
      writeFileSync(path.join(tmp, f.replace(/\.ts$/, '.js')), code);
    }
    writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}');
    try {
      renameSync(tmp, dir);
    } catch {
      /* another process built the same version first */
    }
  }
  return (built = entry);
}
