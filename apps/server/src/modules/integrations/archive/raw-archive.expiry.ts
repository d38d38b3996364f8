import { Logger } from '@nestjs/common';
import type { Db } from '../../../database/db.js';
import { runOncePerCluster } from '../../../database/cluster-lock.js';
import { dropPartitionsBefore, ensurePartitions, partitionRange } from '../../../database/partitions.js';
import { RAW_TABLE, RAW_UNIT } from './raw-archive.repository.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Days of partitions created ahead of time, so writes never wait for a CREATE TABLE. */
const AHEAD_DAYS = 2;

/**
 * Upkeep of the raw-message archive (issue 19): creates the day partitions ahead and drops whole days
 * older than RAW_RETENTION_DAYS; at start and hourly, on one node of a cluster at a time. With
 * RAW_RETENTION_DAYS = 0 nothing is archived and nothing is kept: every partition is dropped.
 * Its own file so it can be folded into the general retention job (issue 18).
 */
export class RawArchiveExpiry {
  private readonly log = new Logger('raw-archive');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly retentionDays: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), HOUR);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((e: Error) => this.log.warn(`Raw archive upkeep failed (tried again in an hour): ${e.message}`))
      .finally(() => (this.running = null));
  }

  /** One upkeep pass; `ran: false` when another node did it at that moment. Returns the partitions dropped. */
  async runOnce(): Promise<{ ran: boolean; dropped: string[] }> {
    const r = await runOncePerCluster(this.db, 'raw-archive-upkeep', async () => {
      const now = this.now();
      const today = partitionRange(RAW_UNIT, now).from;
      if (this.retentionDays > 0) await ensurePartitions(this.db, RAW_TABLE, RAW_UNIT, today, today + AHEAD_DAYS * DAY);
      // a partition ending at or before this line holds only messages older than the retention (a day is kept until all of it is)
      const line = this.retentionDays > 0 ? now - this.retentionDays * DAY : Number.MAX_SAFE_INTEGER;
      const dropped = await dropPartitionsBefore(this.db, RAW_TABLE, line);
      if (dropped.length) this.log.log(`Raw archive: dropped ${dropped.join(', ')} (RAW_RETENTION_DAYS=${this.retentionDays})`);
      return dropped;
    });
    return r.ran ? { ran: true, dropped: r.result } : { ran: false, dropped: [] };
  }
}
