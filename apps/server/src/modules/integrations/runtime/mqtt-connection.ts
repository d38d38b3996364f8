import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { RESERVED_TOPIC_PREFIX, type IntegrationConnectionState } from '@bridgeboard/contracts';
import { installOversizeGuard, type OversizeGuard } from './oversize-guard.js';
import { describeConnectFailure, describeError, unreachableText } from './connection-errors.js';
import { topicMatcher } from './topic-filter.js';

const RECEIVE_MAXIMUM = 1000;
const SESSION_EXPIRY_SEC = 7 * 24 * 3600;
/** A connection the broker closes within FLAP_MS, FLAP_COUNT times in a row, is reported (client id conflict?). */
const FLAP_MS = 10_000;
const FLAP_COUNT = 3;

export interface IncomingMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  /** Sends the deferred PUBACK/PUBCOMP (QoS > 0); a no-op once the connection it came on is gone. */
  ack: () => void;
  /** set when the payload was larger than maxPayloadBytes: its size (the bytes were dropped on arrival, `payload` is empty) */
  oversize?: number;
  /** arrival time, ms (GET /metrics: receive → committed) */
  receivedAt?: number;
  /** given by the pipeline on receipt: every debug event this message causes carries it */
  traceId?: string;
}

const noLog = (): void => undefined;

/** A publish whose acknowledgement never came: the broker may or may not have the message. */
export class UnacknowledgedPublish extends Error {}
const LOST = 'the connection was lost before the broker acknowledged the message';

export interface ConnectionSettings {
  host: string;
  port: number;
  tls: boolean;
  clientId: string;
  cleanSession: boolean;
  connectTimeoutMs: number;
  username?: string;
  password?: string;
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  filters: { filter: string; qos: 0 | 1 | 2 }[];
  /**
   * Filters an earlier configuration subscribed in this persistent session and this one no longer has:
   * unsubscribed once connected (the broker keeps a session's subscriptions across connections).
   */
  unsubscribe?: string[];
  /** how often to check that the broker still delivers to us (0 = off) */
  heartbeatMs: number;
  /** larger payloads are dropped as they arrive and handed on as `oversize` (0 or absent = no limit) */
  maxPayloadBytes?: number;
  /** the address to connect to (destination policy); throws a sentence when refused, null when the name does not resolve */
  resolve?: (host: string, port: number) => Promise<string | null>;
  backoff: { minMs: number; maxMs: number };
}

export interface ConnectionHandlers {
  /** May return a promise to hold the next packet (back-pressure while the pipeline is full). */
  message(m: IncomingMessage): void | Promise<void>;
  state(state: IntegrationConnectionState, error: string | null): void;
  /** a reconnect is scheduled (so the back-off shows in the log) */
  retry?(attempt: number, delayMs: number): void;
}

/**
 * One mqtt.js client for one integration, with its own reconnect loop (growing, jittered
 * back-off) and deferred acknowledgements: incoming packets are handed on at once (so
 * mqtt.js keeps reading), but their PUBACK is written only when `ack()` is called, after
 * the data is committed. A heartbeat on a private topic detects a connection that looks up
 * but no longer delivers.
 */
export class MqttConnection {
  private client: MqttClient | null = null;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private beatTimer: NodeJS.Timeout | null = null;
  private beatPending = false;
  private rxSinceBeat = false;
  private lastError: string | null = null;
  /** MQTT 5 first (its Receive Maximum lifts the broker's in-flight window); 3.1.1 for brokers without it */
  private protocolVersion: 4 | 5 = 5;
  private retryNow = false;
  /** consecutive connections closed by the broker soon after connecting (a client id fight); back-off keeps growing */
  private takeovers = 0;
  private takenOver = false;
  private connectedAt = 0;
  /** per client: the publishes still waiting for the broker's acknowledgement */
  private readonly unacked = new WeakMap<MqttClient, Set<(e?: Error) => void>>();
  state: IntegrationConnectionState = 'DISCONNECTED';
  /** random per connection object: the topic tells nobody who we are (a client id there let tenants take sessions over) */
  readonly heartbeatTopic = `${RESERVED_TOPIC_PREFIX}heartbeat/${randomBytes(12).toString('hex')}`;
  /** when the current attempt began, and whether the broker answered it (CONNACK) */
  private attemptAt = 0;
  private answered = false;
  private pendingError: string | null = null;
  /** since when attempts have gone unanswered (null once the broker answered), and the timer that then shows the error */
  private unansweredSince: number | null = null;
  private showTimer: NodeJS.Timeout | null = null;
  private readonly guards = new WeakMap<MqttClient, OversizeGuard>();
  /** whether a topic is one of ours: a subscription left in the session by an earlier configuration brings others */
  private readonly ours: (topic: string) => boolean;
  private stale: string[];

  constructor(
    private readonly s: ConnectionSettings,
    private readonly h: ConnectionHandlers,
  ) {
    this.ours = topicMatcher(s.filters.map((f) => f.filter));
    this.stale = s.cleanSession ? [] : (s.unsubscribe ?? []);
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** the client id and topic filters it connects with */
  get clientId(): string {
    return this.s.clientId;
  }

  get filters(): string[] {
    return this.s.filters.map((f) => f.filter);
  }

  get connected(): boolean {
    return this.state === 'CONNECTED' && !!this.client?.connected;
  }

  /**
   * Publishes at QoS 1 unless told otherwise and resolves once the broker has it: on PUBACK (QoS 1),
   * PUBCOMP (QoS 2), or the socket write (QoS 0). Rejects with an UnacknowledgedPublish when the
   * connection ends first, or when no acknowledgement comes within the connect timeout (the link is
   * then taken for dead and reconnected); the message may or may not have reached the broker.
   */
  publish(topic: string, payload: Buffer, opts: { qos?: 0 | 1 | 2; retain?: boolean }): Promise<void> {
    const client = this.client;
    if (!client?.connected) return Promise.reject(new Error('not connected'));
    const waiting = this.unacked.get(client) ?? new Set<(e?: Error) => void>();
    this.unacked.set(client, waiting);
    const limitMs = this.s.connectTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      const settle = (e?: Error) => {
        if (!waiting.delete(settle)) return;
        clearTimeout(timer);
        if (e) reject(e);
        else resolve();
      };
      const timer = setTimeout(() => {
        settle(new UnacknowledgedPublish(`the broker did not acknowledge the message within ${limitMs / 1000} s`));
        if (!client.disconnecting) this.fail(client, `the broker did not acknowledge a published message within ${limitMs / 1000} s; reconnecting`);
      }, limitMs);
      timer.unref();
      waiting.add(settle);
      client.publish(topic, payload, { qos: opts.qos ?? 1, retain: opts.retain ?? false }, (e) =>
        // mqtt.js flushes what is in flight with 'Connection closed' when a clean session is ended
        settle(e?.message === 'Connection closed' ? new UnacknowledgedPublish(LOST) : (e ?? undefined)),
      );
    });
  }

  /** The connection ended: what it had not had acknowledged will never be (a new client is made to reconnect). */
  private dropUnacked(client: MqttClient): void {
    const waiting = this.unacked.get(client);
    if (!waiting) return;
    this.unacked.delete(client);
    for (const settle of [...waiting]) settle(new UnacknowledgedPublish(LOST));
  }

  /** Closes the connection; unacknowledged QoS 1 messages stay with the broker (persistent session). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.showTimer) clearTimeout(this.showTimer);
    this.stopBeat();
    const c = this.client;
    this.client = null;
    // a graceful end waits for the socket to drain; a broker that stopped reading must not hold us
    if (c)
      await new Promise<void>((r) => {
        const force = setTimeout(() => c.end(true, {}, () => r()), 2000);
        c.end(false, {}, () => (clearTimeout(force), r()));
      });
    this.setState('DISCONNECTED', null);
  }

  private setState(state: IntegrationConnectionState, error: string | null): void {
    if (state === this.state && error === null) return;
    this.state = state;
    this.h.state(state, error);
  }

  private options(): IClientOptions {
    const s = this.s;
    return {
      host: s.host,
      port: s.port,
      protocol: s.tls ? 'mqtts' : 'mqtt',
      clientId: s.clientId,
      clean: s.cleanSession,
      connectTimeout: s.connectTimeoutMs,
      reconnectPeriod: 0,
      keepalive: 30,
      protocolVersion: this.protocolVersion,
      // Receive Maximum: how many QoS 1/2 messages the broker may have unacknowledged with us.
      // Acks wait for the commit, so this window is the largest batch we can ever see.
      // Session Expiry: MQTT 5 ends a session at disconnect unless told otherwise.
      properties:
        this.protocolVersion === 5 ? { receiveMaximum: RECEIVE_MAXIMUM, sessionExpiryInterval: s.cleanSession ? 0 : SESSION_EXPIRY_SEC } : undefined,
      username: s.username,
      password: s.password,
      ca: s.ca,
      cert: s.cert,
      key: s.key,
      passphrase: s.passphrase,
      rejectUnauthorized: true,
      servername: s.tls && !isIP(s.host) ? s.host : undefined,
      // mqtt.js logs through `debug` several times per packet; when DEBUG is unset those calls are only cost
      log: process.env.DEBUG ? undefined : noLog,
    } as IClientOptions;
  }

  private connect(): void {
    if (this.stopped) return;
    if (!this.lastError) this.setState('CONNECTING', null);
    const at = (this.attemptAt = Date.now());
    this.answered = false;
    this.pendingError = null;
    // the previous client is closed; a retry scheduled without one (resolve failed) must find none
    this.client = null;
    if (!this.s.resolve) return this.open(this.s.host);
    this.s.resolve(this.s.host, this.s.port).then(
      (address) => {
        if (this.stopped || at !== this.attemptAt) return;
        if (address) this.open(address);
        else this.failBeforeAnswer(null, unreachableText(this.s));
      },
      (e: Error) => {
        if (this.stopped || at !== this.attemptAt) return;
        this.lastError = e.message;
        this.setState(`ERROR: ${e.message}`, e.message);
        this.scheduleRetry(null);
      },
    );
  }

  /**
   * Ends an attempt the broker never answered and retries with the usual back-off. The error is shown only
   * once attempts have gone unanswered for the connect timeout, whatever the cause: a refused port must not
   * show up faster than a silent one (until then the status stays CONNECTING).
   */
  private failBeforeAnswer(client: MqttClient | null, error: string): void {
    const since = (this.unansweredSince ??= this.attemptAt);
    const show = () => {
      if (this.stopped || this.unansweredSince !== since) return;
      this.lastError = error;
      this.setState(`ERROR: ${error}`, error);
    };
    const wait = since + this.s.connectTimeoutMs - Date.now();
    if (this.showTimer) clearTimeout(this.showTimer);
    this.showTimer = null;
    if (wait <= 0) show();
    else (this.showTimer = setTimeout(show, wait)).unref();
    this.scheduleRetry(client);
  }

  /** The broker answered (CONNACK of any kind): the streak of unanswered attempts is over. */
  private gotAnswer(): void {
    this.answered = true;
    this.unansweredSince = null;
    if (this.showTimer) clearTimeout(this.showTimer);
    this.showTimer = null;
  }

  private open(address: string): void {
    const client = mqtt.connect({ ...this.options(), host: address, manualConnect: true });
    this.client = client;
    // large payloads are dropped on arrival, in front of mqtt.js's parser
    if (this.s.maxPayloadBytes) installOversizeGuard(client, this.s.maxPayloadBytes, this.protocolVersion, (g) => this.guards.set(client, g));
    this.deferAcks(client);
    client.on('connect', () => {
      if (this.client !== client) return;
      this.gotAnswer();
      // a broker that never answers SUBSCRIBE (or sent half a packet) must not leave us waiting forever
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to SUBSCRIBE within ${this.s.connectTimeoutMs / 1000} s`)), this.s.connectTimeoutMs);
      });
      Promise.race([this.subscribe(client), late]).finally(() => clearTimeout(timer)).catch((e: Error) => {
        this.fail(client, `subscription failed: ${e.message}`);
      });
    });
    client.on('disconnect', (packet: { reasonCode?: number }) => {
      // MQTT 5 brokers that say so: session taken over by another connection with our client id
      if (this.client === client && packet.reasonCode === 142) this.takenOver = true;
    });
    client.on('error', (e: Error & { code?: string | number }) => {
      if (this.client !== client) return;
      if ((e.code === 1 || e.code === 132) && this.protocolVersion === 5) {
        // the broker speaks MQTT 3.1.1 only (e.g. aedes): ask again in 3.1.1 at once
        this.protocolVersion = 4;
        this.attempt = 0;
        this.retryNow = true;
        return;
      }
      if (!this.answered) {
        // a CONNACK refusing us (numeric code) is an answer: said at once; anything else waits (failBeforeAnswer)
        if (typeof e.code !== 'number') {
          this.pendingError = describeConnectFailure(e, this.s);
          if (!client.disconnecting) client.end(true);
          return;
        }
        this.gotAnswer();
      }
      this.lastError = describeError(e, { ...this.s });
      this.setState(`ERROR: ${this.lastError}`, this.lastError);
      // mqtt.js leaves the socket open after a malformed packet; a stream we cannot parse is unusable, so drop it and retry
      if (!client.disconnecting) client.end(true);
    });
    client.on('close', () => {
      this.dropUnacked(client);
      if (this.client !== client) return;
      this.stopBeat();
      if (this.stopped) return;
      if (!this.answered && !this.retryNow) return this.failBeforeAnswer(client, this.pendingError ?? unreachableText(this.s));
      if (this.state === 'CONNECTED' && this.flapping()) {
        this.lastError =
          `the broker closed the connection ${this.takeovers} times in a row within ${FLAP_MS / 1000} s of connecting without giving a reason: ` +
          `another client may be using client id '${this.s.clientId}' (give each connection its own), or the link is unstable; backing off`;
        this.setState(`ERROR: ${this.lastError}`, this.lastError);
      } else if (this.state === 'CONNECTED') {
        this.lastError = null;
        this.setState('CONNECTING', null);
      }
      this.scheduleRetry(client);
    });
    client.connect();
  }

  private async subscribe(client: MqttClient): Promise<void> {
    if (this.stale.length) {
      await client.unsubscribeAsync(this.stale);
      this.stale = [];
    }
    const filters = [...this.s.filters];
    const granted = await client.subscribeAsync(filters.map((f) => ({ topic: f.filter, qos: f.qos })).reduce<Record<string, { qos: 0 | 1 | 2 }>>((o, f) => ((o[f.topic] = { qos: f.qos }), o), {}));
    const refused = granted.filter((g) => (g.qos as number) === 128);
    if (refused.length) throw new Error(`the broker refused topic filter(s) ${refused.map((g) => `'${g.topic}'`).join(', ')}`);
    let beat = this.s.heartbeatMs > 0;
    if (beat) {
      const g = await client.subscribeAsync(this.heartbeatTopic, { qos: 0 });
      beat = !g.some((x) => (x.qos as number) === 128);
    }
    if (this.client !== client) return;
    this.attempt = 0;
    this.lastError = null;
    this.connectedAt = Date.now();
    this.setState('CONNECTED', null);
    if (beat) this.startBeat(client);
  }

  /** Counts connections that end soon after they were made with no error of ours; true when it looks like a fight. */
  private flapping(): boolean {
    const short = Date.now() - this.connectedAt < FLAP_MS && !this.lastError;
    this.takeovers = short || this.takenOver ? this.takeovers + 1 : 0;
    const fight = this.takenOver || this.takeovers >= FLAP_COUNT;
    this.takenOver = false;
    return fight;
  }

  private fail(client: MqttClient, error: string): void {
    if (this.client !== client) return;
    this.lastError = error;
    this.setState(`ERROR: ${error}`, error);
    client.end(true);
  }

  private scheduleRetry(client: MqttClient | null): void {
    const { minMs, maxMs } = this.s.backoff;
    const base = Math.min(maxMs, minMs * 2 ** Math.min(this.attempt + this.takeovers, 20));
    const delay = this.retryNow ? 0 : Math.round(base / 2 + Math.random() * (base / 2));
    this.retryNow = false;
    this.attempt++;
    this.h.retry?.(this.attempt + this.takeovers, delay);
    client?.removeAllListeners('connect');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.client === client) this.connect();
    }, delay);
  }

  private startBeat(client: MqttClient): void {
    this.stopBeat();
    this.beatPending = false;
    this.beatTimer = setInterval(() => {
      if (this.client !== client || !client.connected) return;
      if (this.beatPending && !this.rxSinceBeat) {
        this.fail(client, 'connected, but the broker stopped delivering messages; reconnecting');
        return;
      }
      this.beatPending = true;
      this.rxSinceBeat = false;
      client.publish(this.heartbeatTopic, String(Date.now()), { qos: 0 });
    }, this.s.heartbeatMs);
    this.beatTimer.unref();
  }

  private stopBeat(): void {
    if (this.beatTimer) clearInterval(this.beatTimer);
    this.beatTimer = null;
  }

  /**
   * mqtt.js sends PUBACK from handleMessage's callback and reads the next packet only after it.
   * We call the callback at once but swallow that PUBACK, and write it ourselves on ack().
   * The acks of one committed batch (ack() called in one synchronous loop) leave as ONE socket
   * write: mqtt.js would make 3–4 stream writes and a log call per ack, and the broker would read
   * a thousand tiny segments (docs/performance.md).
   */
  private deferAcks(client: MqttClient): void {
    type Send = (packet: { cmd: string; messageId?: number }, cb?: (e?: Error) => void, ...rest: unknown[]) => void;
    const c = client as unknown as {
      _sendPacket: Send;
      handleMessage: (p: IPublishPacket, cb: (e?: Error) => void) => void;
      stream?: NodeJS.WritableStream & { destroyed?: boolean };
    };
    const send = c._sendPacket.bind(client) as Send;
    const held = new Set<number>();
    /** acks waiting for the end of the current synchronous run: PUBACK/PUBCOMP fixed header byte, message id */
    let pending: number[] = [];
    const flush = () => {
      const acks = pending;
      pending = [];
      const stream = c.stream;
      if (this.client !== client || !client.connected || !stream || stream.destroyed) return;
      // PUBACK 0x40 / PUBCOMP 0x70, remaining length 2, the message id; in MQTT 5 a success reason
      // code without properties may be left out (MQTT 5.0 §3.4.2.1, §3.7.2.1)
      const buf = Buffer.allocUnsafe(acks.length * 2);
      for (let k = 0; k < acks.length; k += 2) {
        const at = k * 2;
        buf[at] = acks[k]!;
        buf[at + 1] = 2;
        buf.writeUInt16BE(acks[k + 1]!, at + 2);
      }
      stream.write(buf);
    };
    c._sendPacket = (packet, cb, ...rest) => {
      if ((packet.cmd === 'puback' || packet.cmd === 'pubcomp') && packet.messageId !== undefined && held.delete(packet.messageId)) {
        cb?.();
        return;
      }
      send(packet, cb, ...rest);
    };
    c.handleMessage = (packet, cb) => {
      this.rxSinceBeat = true;
      // the platform's own topics (ours or another integration's heartbeat) are never a tenant's data
      if (packet.topic.startsWith(RESERVED_TOPIC_PREFIX)) {
        if (packet.topic === this.heartbeatTopic) this.beatPending = false;
        return cb();
      }
      // through a subscription an earlier configuration left in the persistent session: acknowledged, not ours
      if (!this.ours(packet.topic)) return cb();
      const qos = packet.qos;
      let ack = () => undefined as void;
      if (qos > 0 && packet.messageId !== undefined) {
        const id = packet.messageId;
        held.add(id);
        const header = qos === 1 ? 0x40 : 0x70;
        ack = () => {
          if (this.client !== client || !client.connected) return;
          if (!pending.length) queueMicrotask(flush);
          pending.push(header, id);
        };
      }
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      const oversize = this.guards.get(client)?.oversizeOf(payload) ?? null;
      let r: void | Promise<void>;
      try {
        const receivedAt = Date.now();
        r = this.h.message(
          oversize === null ? { topic: packet.topic, payload, qos, ack, receivedAt } : { topic: packet.topic, payload: Buffer.alloc(0), qos, ack, oversize, receivedAt },
        );
      } catch {
        r = undefined;
      }
      if (r) r.then(() => cb(), () => cb());
      else cb();
    };
  }
}
