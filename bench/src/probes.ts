import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { sleep } from './stats.js';

/**
 * Publish → committed latency, read from the database: polls the latest `temperature` row of
 * sampled devices; a row whose ts (the publish time, from the payload) is new was committed
 * before the query's snapshot, so (answer time − ts) is an upper bound, late by at most one poll.
 */
export class CommitProbe {
  readonly samples: number[] = [];
  private stopped = false;
  private cycles = 0;
  private startedAt = Date.now();
  private readonly done: Promise<void>;

  constructor(dbUrl: string, ids: string[], from: number, pollMs = 5) {
    this.done = this.run(dbUrl, ids, from, pollMs);
  }

  private async run(dbUrl: string, ids: string[], from: number, pollMs: number): Promise<void> {
    const c = new pg.Client({ connectionString: dbUrl });
    // the server may go away while the probe sleeps; the next query rejects and ends the probe
    c.on('error', () => undefined);
    await c.connect();
    const last = new Map<string, number>();
    try {
      while (!this.stopped) {
        const r = await c.query<{ entity_id: string; ts: string }>(
          `SELECT entity_id, ts FROM ts_kv_latest WHERE entity_id = ANY($1::uuid[]) AND key = 'temperature'`,
          [ids],
        );
        const now = Date.now();
        this.cycles++;
        for (const row of r.rows) {
          const ts = Number(row.ts);
          const prev = last.get(row.entity_id);
          last.set(row.entity_id, ts);
          if (prev !== undefined && ts > prev && ts >= from) this.samples.push(now - ts);
        }
        await sleep(pollMs);
      }
    } finally {
      await c.end();
    }
  }

  /** mean time between polls, ms (the resolution of the samples) */
  async stop(): Promise<number> {
    this.stopped = true;
    await this.done;
    return Math.round(((Date.now() - this.startedAt) / Math.max(1, this.cycles)) * 10) / 10;
  }
}

/** A browser's view: a socket.io client subscribed to device rooms; latency = arrival − publish time. */
export class LiveProbe {
  readonly samples: number[] = [];
  readonly created = new Map<string, number>();
  /** messagesIn per integration, from the platform's integrationStatus pushes */
  readonly messagesIn = new Map<string, number>();
  private socket: Socket;
  from = Infinity;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('telemetry', (m: { data: Record<string, { ts: number }[]> }) => {
      const now = Date.now();
      for (const p of m.data.temperature ?? []) if (p.ts >= this.from) this.samples.push(now - p.ts);
    });
    socket.on('integrationStatus', (m: { integrationId: string; messagesIn: number }) =>
      this.messagesIn.set(m.integrationId, m.messagesIn),
    );
    socket.on('device', (m: { event: string; device: { name: string } }) => {
      if (m.event === 'created') this.created.set(m.device.name, (this.created.get(m.device.name) ?? 0) + 1);
    });
  }

  static async connect(url: string, token: string): Promise<LiveProbe> {
    const socket = io(url, {
      path: '/socket.io',
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (e) => reject(new Error(`socket.io: ${e.message}`)));
    });
    return new LiveProbe(socket);
  }

  async subscribe(rooms: string[]): Promise<void> {
    for (const room of rooms) {
      const a = (await this.socket.timeout(10000).emitWithAck('subscribe', { room })) as {
        ok: boolean;
        error?: string;
      };
      if (!a.ok) throw new Error(`socket.io subscribe ${room}: ${a.error}`);
    }
  }

  close(): void {
    this.socket.close();
  }
}
