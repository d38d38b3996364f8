import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Seconds from receive to commit: a healthy batch commits in tens of ms, a database outage holds one for minutes. */
const COMMIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The platform's Prometheus registry, one per running platform (tests start several in one process).
 * Only what the hot path writes lives here, once per batch; every other series is read at scrape
 * time (MetricsService), so counting costs nothing between scrapes.
 */
export class Metrics {
  readonly registry = new Registry();
  /** one observation per committed batch, measured from its oldest message's arrival */
  readonly uplinkCommit = new Histogram({
    name: 'bridgeboard_uplink_commit_seconds',
    help: 'Seconds from the arrival of a batch of uplinks (its oldest message) to its commit in Postgres, one observation per batch',
    buckets: COMMIT_BUCKETS,
    registers: [this.registry],
  });

  /** `enabled` false (METRICS_ENABLED=off): nothing is collected and the histogram is not written. */
  constructor(readonly enabled = true) {
    // Node's process_* and nodejs_* series (CPU, memory, event loop lag, GC, handles)
    if (enabled) collectDefaultMetrics({ register: this.registry });
  }
}
