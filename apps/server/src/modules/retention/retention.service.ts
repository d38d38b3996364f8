import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { Db } from '../../database/db.js';
import { runOncePerCluster } from '../../database/cluster-lock.js';
import { defaultRows, expire, upkeep, type PartitionedTable, type RetentionReport, type RetentionRule } from './retention.js';

const HOUR = 3_600_000;

export interface RetentionRun {
  /** false when another node of the cluster was running it */
  ran: boolean;
  created: string[];
  reports: RetentionReport[];
  /** rows in each table's default partition before the run (points outside every partition: kept, reported) */
  outside: Record<string, number>;
}

/**
 * The storage jobs, once per cluster (advisory lock): partitions created ahead for every registered
 * partitioned table, then retention for every registered rule. At start-up (the partitions before the
 * application starts serving, retention in the background) and every hour.
 * Modules register their tables in onModuleInit (ts_kv: telemetry; the raw archive: integrations).
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('retention');
  private readonly tables = new Map<string, PartitionedTable>();
  private readonly rules = new Map<string, RetentionRule>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  /** the last count of rows outside every partition, per table (for /metrics) */
  readonly outside = new Map<string, number>();

  constructor(
    private readonly db: Db,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // Debug events: one TTL for all tenants (DEBUG_EVENTS_TTL_DAYS); a plain table, deleted in batches.
    this.addRule({ table: 'debug_event', tsColumn: 'ts', ttlDays: () => config.DEBUG_EVENTS_TTL_DAYS });
  }

  /** A table partitioned by time whose partitions are created ahead (and checked for rows outside them). */
  addPartitionedTable(t: PartitionedTable): void {
    this.tables.set(t.table, t);
  }

  /** A table the retention job expires (replaces a rule of the same table). */
  addRule(rule: RetentionRule): void {
    this.rules.set(rule.table, rule);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.upkeepAll().catch((e: Error) => this.log.warn(`Could not create the time partitions ahead: ${e.message}`));
    this.timer = setInterval(() => void this.runNow().catch(() => undefined), HOUR);
    this.timer.unref();
    this.running = this.runNow().catch((e: Error) => this.log.warn(`Retention run failed (tried again in an hour): ${e.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async upkeepAll(now = Date.now()): Promise<string[]> {
    const r = await runOncePerCluster(this.db, 'partition-upkeep', async () => {
      const created: string[] = [];
      for (const t of this.tables.values()) created.push(...(await upkeep(this.db, t, now)));
      if (created.length) this.log.log(`Created partitions ${created.join(', ')}`);
      return created;
    });
    return r.ran ? r.result : [];
  }

  /** One run of the jobs (tests call it with a clock). */
  runNow(now = Date.now()): Promise<RetentionRun> {
    const run = this.running.then(async (): Promise<RetentionRun> => {
      const created = await this.upkeepAll(now);
      const outside: Record<string, number> = {};
      for (const t of this.tables.keys()) {
        const n = await defaultRows(this.db, t);
        outside[t] = n;
        this.outside.set(t, n);
        if (n) this.log.warn(`${t}: ${n} rows have a time outside every partition (kept in its default partition)`);
      }
      const r = await runOncePerCluster(this.db, 'retention', async () => {
        const reports: RetentionReport[] = [];
        for (const rule of this.rules.values()) {
          try {
            const rep = await expire(this.db, rule, now);
            reports.push(rep);
            if (rep.dropped.length || rep.deleted)
              this.log.log(`${rule.table}: dropped ${rep.dropped.length} partitions (${rep.dropped.join(', ') || '-'}), deleted ${rep.deleted} rows past the TTL`);
          } catch (e) {
            this.log.warn(`Retention of ${rule.table} failed (tried again in an hour): ${(e as Error).message}`);
          }
        }
        return reports;
      });
      return { ran: r.ran, created, reports: r.ran ? r.result : [], outside };
    });
    this.running = run.catch(() => undefined);
    return run;
  }
}
