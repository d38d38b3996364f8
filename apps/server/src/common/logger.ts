import type { LoggerService, LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/**
 * Nest's start-up inventory (every module loaded, every route and socket handler mapped: ~100
 * lines) is for whoever debugs the wiring; at the default level it would bury the banner.
 */
const INVENTORY = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController']);

/** Structured logs: one JSON object per line (or a readable line with LOG_FORMAT=pretty). */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly level: LogLevel = 'log',
    private readonly format: 'json' | 'pretty' = 'json',
  ) {}

  private write(level: LogLevel, message: unknown, context?: unknown): void {
    if (ORDER.indexOf(level) < ORDER.indexOf(this.level)) return;
    const msg = message instanceof Error ? message.stack ?? message.message : typeof message === 'string' ? message : JSON.stringify(message);
    const ctx = typeof context === 'string' ? context : undefined;
    const out = level === 'error' || level === 'fatal' ? process.stderr : process.stdout;
    if (this.format === 'pretty') out.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${ctx ?? 'app'}] ${msg}\n`);
    else out.write(JSON.stringify({ time: new Date().toISOString(), level, context: ctx, msg }) + '\n');
  }
  log(m: unknown, c?: unknown) { this.write(typeof c === 'string' && INVENTORY.has(c) ? 'debug' : 'log', m, c); }
  error(m: unknown, ...rest: unknown[]) {
    const ctx = rest.length ? rest[rest.length - 1] : undefined;
    const trace = rest.length > 1 ? rest[0] : undefined;
    this.write('error', trace ? `${String(m)}\n${String(trace)}` : m, ctx);
  }
  warn(m: unknown, c?: unknown) { this.write('warn', m, c); }
  debug(m: unknown, c?: unknown) { this.write('debug', m, c); }
  verbose(m: unknown, c?: unknown) { this.write('verbose', m, c); }
  fatal(m: unknown, c?: unknown) { this.write('fatal', m, c); }
}
