import { Logger } from '@nestjs/common';
import type {
  Device,
  PageData,
  PageQuery,
  PersistentRpcAccepted,
  Rpc,
  RpcRequest,
  RpcStatus,
} from '@bridgeboard/contracts';
import { newId } from '../../common/ids.js';
import type { RuleEngine, TellResult } from '../rule-engine/engine/rule-engine.js';
import { PendingCalls, type Reply } from './pending-calls.js';
import { RpcError } from './rpc.errors.js';
import { paramsText, rpcMsg } from './rpc-msg.js';
import type { OpenRpc, RpcRepository, StoredRequest } from './rpc.repository.js';

export interface RpcDeps {
  engine: Pick<RuleEngine, 'tell'>;
  devices: { get(tenantId: string, id: string): Promise<Device> };
  repo: RpcRepository;
  integrations: {
    status(tenantId: string, integrationId: string): { status: string };
    publish(tenantId: string, integrationId: string, topic: string, payload: Buffer, opts?: { traceId?: string }): Promise<void>;
  };
  /**
   * Records the call's own steps (request, broker acknowledgement, reply, failure) as debug events of the
   * device, under the call's trace (its requestUUID); without it calls are not traced (TRACE_MESSAGES=off).
   */
  trace?: RpcTraceSink;
  /** ThingsBoard's default RPC timeout. */
  defaultTimeoutMs?: number;
  /** How often queued persistent calls are retried and expired ones closed. */
  tickMs?: number;
  /** Runs the housekeeping unless another node of the cluster is running it right now (an advisory lock). */
  once?: (name: string, fn: () => Promise<void>) => Promise<unknown>;
  /**
   * A two-way call of the device waits here for its reply until `until` (ms): the cluster tells the other
   * nodes, so the node that runs the device's integration passes the reply on. Resolves before the call
   * is sent, so the others know before the device can answer.
   */
  awaiting?: (tenantId: string, deviceId: string, until: number) => Promise<void>;
  /**
   * In a cluster, how long a node's heartbeat counts (ms): the open calls of a node without a heartbeat that
   * recent (and of this node's previous run) are taken over, at start and on every housekeeping tick
   * (RpcRepository.open). Without it (one process) every open call, only at start.
   */
  nodeTimeoutMs?: number;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export type RpcStage = 'REQUEST' | 'DELIVERED' | 'REPLY' | 'TIMEOUT' | 'FAILED';
export interface RpcTraceSink {
  record(tenantId: string, deviceId: string, traceId: string, body: { type: 'RPC'; stage: RpcStage } & Record<string, unknown>): void;
}
/** The debug event type of an RPC's own steps (entity: the device). */
export const RPC_DEBUG_EVENT = 'DEBUG_RPC';

/**
 * Server-side RPC to devices (ThingsBoard's /api/plugins/rpc): the call enters the Root Rule Chain
 * as RPC_CALL_FROM_SERVER_TO_DEVICE and is answered from what the Integration Downlink nodes did.
 * Persistent calls are stored and followed to exactly one final status, across restarts.
 */
export class RpcService {
  private readonly log = new Logger('rpc');
  private readonly pending = new PendingCalls();
  private readonly deletedTenants = new Set<string>();
  private requestSeq = Math.floor(Date.now() / 1000) % 1_000_000;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private tickBusy = false;
  private tickError: string | null = null;
  private readonly defaultTimeoutMs: number;
  /** Replies that arrived before start() had registered the calls left open by the previous run. */
  private early: [string, string, { requestId?: string | number; data: unknown }][] | null = [];

  constructor(private readonly d: RpcDeps) {
    this.defaultTimeoutMs = d.defaultTimeoutMs ?? 10_000;
  }

  async call(tenantId: string, deviceId: string, oneway: boolean, req: RpcRequest): Promise<unknown> {
    const startedAt = Date.now();
    const device = await this.d.devices.get(tenantId, deviceId);
    const timeout = req.timeout ?? this.defaultTimeoutMs;
    const expirationTime = req.expirationTime ?? Date.now() + timeout;
    const request: StoredRequest = {
      id: newId(),
      oneway,
      persisted: true,
      body: { method: req.method, params: paramsText(req.params) },
      requestId: ++this.requestSeq,
    };
    if (req.persistent) {
      await this.d.repo.insert({
        id: request.id,
        tenantId,
        deviceId,
        expirationTime,
        request,
        additionalInfo: req.additionalInfo,
      });
      void this.dispatch(
        {
          id: request.id,
          tenantId,
          deviceId,
          createdTime: Date.now(),
          expirationTime,
          oneway,
          request,
          status: 'QUEUED',
          out: null,
        },
        device,
      );
      return { rpcId: request.id } satisfies PersistentRpcAccepted;
    }
    this.note(tenantId, deviceId, request, 'REQUEST', { params: request.body.params, timeout });
    let reply: Promise<Reply | null> | null = null;
    if (!oneway) {
      reply = new Promise((settle) =>
        this.pending.add({
          tenantId,
          deviceId,
          requestUUID: request.id,
          requestId: request.requestId,
          createdTime: Date.now(),
          expirationTime,
          settle,
        }),
      );
    }
    try {
      if (reply) await this.announce(tenantId, deviceId, expirationTime);
      const result = await this.d.engine.tell(tenantId, this.msg(device, request, expirationTime, false));
      this.judge(result);
    } catch (e) {
      this.pending.cancel(tenantId, deviceId, request.id);
      this.note(tenantId, deviceId, request, 'FAILED', { error: errorText(e) });
      throw e;
    }
    this.note(tenantId, deviceId, request, 'DELIVERED', { message: 'The broker acknowledged the downlink (PUBACK)' });
    if (!reply) return undefined;
    const r = await reply;
    if (!r) {
      this.note(tenantId, deviceId, request, 'TIMEOUT', { error: `No reply within ${expirationTime - startedAt} ms` });
      if (this.deletedTenants.has(tenantId)) throw RpcError.tenantDeleted(device.name, req.method);
      throw RpcError.timeout(device.name, req.method, expirationTime - startedAt);
    }
    this.note(tenantId, deviceId, request, 'REPLY', { data: r.data, ...(r.traceId ? { replyTraceId: r.traceId } : {}) });
    return r.data;
  }

  /** From an uplink converter result carrying rpcResponse; false when no call waits for it here (it may wait on another node). */
  onResponse(tenantId: string, deviceId: string, r: { requestId?: string | number; data: unknown }, traceId?: string): boolean {
    if (this.pending.reply(tenantId, deviceId, r, traceId)) return true;
    // a reply the broker kept while the platform was down may arrive before start() is done
    if (this.early) {
      if (this.early.length < 10_000) this.early.push([tenantId, deviceId, r]);
      return true;
    }
    this.log.debug(`RPC reply from device ${deviceId} matches no waiting call`);
    return false;
  }

  async get(tenantId: string, rpcId: string): Promise<Rpc> {
    const r = await this.d.repo.get(tenantId, rpcId);
    if (!r) throw RpcError.rpcNotFound(rpcId);
    return r;
  }

  async pageByDevice(
    tenantId: string,
    deviceId: string,
    q: PageQuery,
    status?: RpcStatus,
  ): Promise<PageData<Rpc>> {
    await this.d.devices.get(tenantId, deviceId);
    return this.d.repo.pageByDevice(tenantId, deviceId, q, status);
  }

  /**
   * Picks up persistent calls left open by the previous run (or by a node gone from the cluster; not the
   * calls of the nodes still alive), then checks them every tick. A SENT call may or may not have reached
   * the broker before the platform stopped, so it is sent again (at least once); its reply may already be
   * waiting at the broker, so the call listens before anything else.
   */
  async start(): Promise<void> {
    const open = await this.d.repo.open({ mine: true, timeoutMs: this.d.nodeTimeoutMs ?? null });
    const waiting = open.filter((rpc) => !rpc.oneway && (rpc.status === 'DELIVERED' || rpc.status === 'SENT'));
    for (const rpc of waiting) this.awaitReply(rpc, rpc.request.body.method);
    await Promise.all(waiting.map((rpc) => this.announce(rpc.tenantId, rpc.deviceId, rpc.expirationTime)));
    const early = this.early ?? [];
    this.early = null;
    for (const [tenantId, deviceId, r] of early) this.onResponse(tenantId, deviceId, r);
    for (const rpc of open) {
      // a two-way call whose reply was waiting is done: no need to send it again
      if (rpc.status === 'SENT' && !rpc.oneway && !this.pending.has(rpc.tenantId, rpc.deviceId, rpc.id))
        continue;
      if (rpc.status === 'SENT' || (rpc.status === 'QUEUED' && !rpc.out)) void this.dispatch(rpc);
    }
    this.timer = setInterval(() => {
      // a tick waiting for acknowledgements is not joined by more ticks piling up behind it
      if (this.tickBusy) return;
      this.tickBusy = true;
      this.ticking = (this.d.once ? this.d.once('rpc-housekeeping', () => this.tick()) : this.tick())
        .then(
          () => {
            if (this.tickError) this.log.log('RPC housekeeping works again');
            this.tickError = null;
          },
          (e) => {
            // once per distinct error, not every second of a database outage
            const text = errorText(e);
            if (text !== this.tickError)
              this.log.warn(`RPC housekeeping failed: ${text}; retrying every tick`);
            this.tickError = text;
          },
        )
        .finally(() => (this.tickBusy = false));
    }, this.d.tickMs ?? 1000);
    this.timer.unref();
  }

  /**
   * Before a tenant is deleted: its waiting two-way calls end (no reply) and a housekeeping tick
   * in progress finishes, so none of its calls is being sent while its rows are deleted.
   */
  async forgetTenant(tenantId: string): Promise<void> {
    // so its callers hear why their call ended (a few bytes per deleted tenant)
    this.deletedTenants.add(tenantId);
    this.pending.clear(tenantId);
    await this.ticking;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    this.pending.clear();
  }

  /** One step of a call, as a debug event of its device under the call's trace (the requestUUID). */
  private note(tenantId: string, deviceId: string, request: StoredRequest, stage: RpcStage, extra: Record<string, unknown>): void {
    this.d.trace?.record(tenantId, deviceId, request.id, {
      type: 'RPC',
      stage,
      method: request.body.method,
      oneway: request.oneway,
      requestId: request.requestId,
      ...extra,
    });
  }

  private msg(device: Device, request: StoredRequest, expirationTime: number, persistent: boolean) {
    return rpcMsg({
      traceId: this.d.trace ? request.id : undefined,
      device,
      method: request.body.method,
      params: request.body.params,
      requestUUID: request.id,
      requestId: request.requestId,
      oneway: request.oneway,
      persistent,
      expirationTime,
    });
  }

  /** Turns what the chain did with the call into an answer: ok when a downlink was published, else the clearest error. */
  private judge(result: TellResult): void {
    if (result.deliveries.some((d) => d.ok)) return;
    const failed = result.deliveries[0];
    if (failed) throw RpcError.downlink(failed.status ?? 500, failed.error ?? 'The downlink failed');
    const f = result.failures[0];
    if (f) throw RpcError.ruleNodeFailed(f.nodeName, f.error);
    throw RpcError.noRoute();
  }

  private awaitReply(rpc: OpenRpc, method: string): void {
    this.pending.add({
      tenantId: rpc.tenantId,
      deviceId: rpc.deviceId,
      requestUUID: rpc.id,
      requestId: rpc.request.requestId,
      createdTime: rpc.createdTime,
      expirationTime: rpc.expirationTime,
      persistent: true,
      settle: (reply) => {
        this.note(rpc.tenantId, rpc.deviceId, rpc.request, reply ? 'REPLY' : 'TIMEOUT', reply
          ? { data: reply.data, ...(reply.traceId ? { replyTraceId: reply.traceId } : {}) }
          : { error: `No reply to '${method}' before it expired` });
        const done = reply
          ? this.d.repo.finish(rpc.id, 'SUCCESSFUL', reply.data ?? null)
          : this.d.repo.finish(rpc.id, 'TIMEOUT', { error: `No reply to '${method}' before it expired` }, [
              'SENT',
              'DELIVERED',
            ]);
        done.catch((e) => this.log.warn(`Could not store the end of RPC ${rpc.id}: ${errorText(e)}`));
      },
    });
  }

  /** Sends a persistent call through the rule chain and records where it got to. */
  private async dispatch(rpc: OpenRpc, device?: Device): Promise<void> {
    try {
      if (rpc.expirationTime < Date.now()) {
        await this.d.repo.finish(rpc.id, 'EXPIRED', { error: 'The RPC expired before it could be sent' });
        return;
      }
      const dev = device ?? (await this.d.devices.get(rpc.tenantId, rpc.deviceId));
      await this.d.repo.transition(rpc.id, ['QUEUED'], 'SENT');
      this.note(rpc.tenantId, rpc.deviceId, rpc.request, 'REQUEST', { params: rpc.request.body.params, persistent: true });
      await this.listen(rpc);
      const result = await this.d.engine.tell(
        rpc.tenantId,
        this.msg(dev, rpc.request, rpc.expirationTime, true),
      );
      if (result.deliveries.some((x) => x.ok)) return await this.published(rpc);
      const queued = result.deliveries.find((x) => x.queued);
      if (queued?.queued) {
        await this.d.repo.queueOutbound(rpc.id, {
          integrationId: queued.integrationId,
          topic: queued.queued.topic,
          payload: Buffer.from(queued.queued.payload, 'base64'),
        });
        return;
      }
      try {
        this.judge(result);
      } catch (e) {
        this.pending.cancel(rpc.tenantId, rpc.deviceId, rpc.id);
        this.note(rpc.tenantId, rpc.deviceId, rpc.request, 'FAILED', { error: errorText(e) });
        await this.d.repo.finish(rpc.id, 'FAILED', { error: errorText(e) });
      }
    } catch (e) {
      this.pending.cancel(rpc.tenantId, rpc.deviceId, rpc.id);
      this.note(rpc.tenantId, rpc.deviceId, rpc.request, 'FAILED', { error: errorText(e) });
      await this.d.repo.finish(rpc.id, 'FAILED', { error: errorText(e) }).catch(() => undefined);
    }
  }

  /** A two-way call waits for its reply (once, however often it is sent). */
  private async listen(rpc: OpenRpc): Promise<void> {
    if (rpc.oneway) return;
    if (!this.pending.has(rpc.tenantId, rpc.deviceId, rpc.id)) this.awaitReply(rpc, rpc.request.body.method);
    await this.announce(rpc.tenantId, rpc.deviceId, rpc.expirationTime);
  }

  /** Tells the cluster a reply of the device is awaited here; without it the reply is not passed on, the call times out. */
  private async announce(tenantId: string, deviceId: string, until: number): Promise<void> {
    await this.d.awaiting?.(tenantId, deviceId, until).catch((e) =>
      this.log.warn(`Could not tell the other nodes that a reply of device ${deviceId} is awaited: ${errorText(e)}`),
    );
  }

  /** The broker acknowledged the call (QoS 1 PUBACK). One-way: that is the end. Two-way: now waits for the reply (or its expiry). */
  private async published(rpc: OpenRpc): Promise<void> {
    this.note(rpc.tenantId, rpc.deviceId, rpc.request, 'DELIVERED', { message: 'The broker acknowledged the downlink (PUBACK)' });
    if (rpc.oneway) await this.d.repo.finish(rpc.id, 'SUCCESSFUL', null);
    else await this.d.repo.transition(rpc.id, ['SENT', 'QUEUED'], 'DELIVERED');
  }

  /**
   * Closes expired calls and publishes queued ones whose integration is connected again. The publishes
   * run side by side: each waits for the broker's acknowledgement, which the integration bounds.
   */
  private async tick(): Promise<void> {
    const now = Date.now();
    await this.d.repo.expire(now);
    const sends: Promise<void>[] = [];
    let settled: PromiseSettledResult<void>[];
    try {
      // calls a node gone from the cluster had in hand: its reply awaited here, or sent again (at least once)
      if (this.d.nodeTimeoutMs)
        for (const rpc of await this.d.repo.open({ mine: false, timeoutMs: this.d.nodeTimeoutMs })) {
          this.log.warn(`Taking over RPC ${rpc.id} (${rpc.status}) from a node that left the cluster`);
          if (rpc.status === 'DELIVERED') await this.listen(rpc);
          else if (rpc.out) await this.d.repo.transition(rpc.id, ['SENT'], 'QUEUED');
          else sends.push(this.dispatch(rpc));
        }
      for (const rpc of await this.d.repo.queuedOutbound(now)) {
        const out = rpc.out!;
        if (this.d.integrations.status(rpc.tenantId, out.integrationId).status !== 'CONNECTED') continue;
        if (!(await this.d.repo.transition(rpc.id, ['QUEUED'], 'SENT'))) continue;
        await this.listen(rpc);
        sends.push(this.sendQueued(rpc));
      }
    } finally {
      // the sends already started are waited for even when the loop broke (none is left unhandled)
      settled = await Promise.allSettled(sends);
    }
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Publishes a queued call's kept payload; SUCCESSFUL or DELIVERED once the broker has it, QUEUED again if that is unknown. */
  private async sendQueued(rpc: OpenRpc): Promise<void> {
    const out = rpc.out!;
    try {
      await this.d.integrations.publish(rpc.tenantId, out.integrationId, out.topic, out.payload, { traceId: this.d.trace ? rpc.id : undefined });
    } catch (e) {
      if ((e as { status?: number }).status === 409) await this.d.repo.transition(rpc.id, ['SENT'], 'QUEUED');
      else {
        this.pending.cancel(rpc.tenantId, rpc.deviceId, rpc.id);
        await this.d.repo.finish(rpc.id, 'FAILED', { error: errorText(e) });
      }
      return;
    }
    await this.published(rpc);
  }
}
