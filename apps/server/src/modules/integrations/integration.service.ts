import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { staleVersion } from '../../common/versioning.js';
import type { Integration, MqttConfiguration, PageData, PageQuery, SaveIntegrationRequest } from '@bridgeboard/contracts';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { Db } from '../../database/db.js';
import { debugModeActive, debugModeSinceOnSave, debugModeUntil } from '../events/debug-mode.js';
import { IntegrationError } from './integration.errors.js';
import { IntegrationRepository, type IntegrationSecrets, type StoredIntegration } from './integration.repository.js';
import type { QuarantinedMessage } from './quarantine.repository.js';
import { IntegrationRuntime } from './runtime/integration-runtime.js';
import { CONVERTER_PORT, type ConverterPort } from './runtime/ports.js';
import { TenantLimits } from '../../common/tenant-limits.js';
import { DestinationPolicy } from '../../common/destinations.js';
import { sameBroker, withGeneratedClientId } from './integration.identity.js';
import { IntegrationPlacement } from '../cluster/integration-placement.js';

/** Names of this machine: an integration on localhost and one on 127.0.0.1 reach the same broker. */
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '::1'];

const SECRET_FIELDS = ['password', 'privateKey', 'privateKeyPassword'] as const;

/** Moves write-only fields out of the configuration; an omitted secret keeps the stored one. */
export function splitSecrets(cfg: MqttConfiguration, stored: IntegrationSecrets): { configuration: MqttConfiguration; secrets: IntegrationSecrets } {
  const creds = { ...cfg.clientConfiguration.credentials } as Record<string, unknown>;
  const secrets: IntegrationSecrets = {};
  const relevant = creds.type === 'basic' ? ['password'] : creds.type === 'cert.PEM' ? ['privateKey', 'privateKeyPassword'] : [];
  for (const f of SECRET_FIELDS) {
    const given = creds[f];
    delete creds[f];
    if (!relevant.includes(f)) continue;
    const v = typeof given === 'string' ? given : stored[f];
    if (v !== undefined) secrets[f] = v;
  }
  return {
    configuration: { ...cfg, clientConfiguration: { ...cfg.clientConfiguration, credentials: creds as MqttConfiguration['clientConfiguration']['credentials'] } },
    secrets,
  };
}

/** Integrations: validation, write-only secrets, debug mode; (re)starts the runtime on every change. */
@Injectable()
export class IntegrationService {
  private readonly destinations: DestinationPolicy;

  constructor(
    private readonly db: Db,
    private readonly repo: IntegrationRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CONVERTER_PORT) private readonly converters: ConverterPort,
    private readonly runtime: IntegrationRuntime,
    private readonly limits: TenantLimits,
    private readonly placement: IntegrationPlacement,
  ) {
    this.destinations = new DestinationPolicy(config.INTEGRATION_DENY_HOSTS);
  }

  /** The contracts.md shape with live status; secrets are never part of it. */
  toApi(s: StoredIntegration): Integration {
    const i = s.integration;
    const debug = { debugMode: i.debugMode, since: i.debugModeSince, pinned: i.debugModePinned };
    const active = debugModeActive(debug, this.config.DEBUG_MODE_AUTO_OFF_MIN, Date.now());
    return {
      ...i,
      // as converters and rule nodes: an expired debug mode reads as off at once, not when the runtime next records
      debugMode: active,
      debugModeSince: active ? i.debugModeSince : null,
      debugModeUntil: debugModeUntil(debug, this.config.DEBUG_MODE_AUTO_OFF_MIN, Date.now()),
      status: this.runtime.status(i.tenantId.id, i.id.id),
    };
  }

  async page(tenantId: string, q: PageQuery): Promise<PageData<Integration>> {
    const p = await this.repo.page(tenantId, q);
    return { ...p, data: p.data.map((s) => this.toApi(s)) };
  }

  async get(tenantId: string, id: string): Promise<Integration> {
    const s = await this.repo.find(tenantId, id);
    if (!s) throw IntegrationError.notFound(id);
    return this.toApi(s);
  }

  async getByRoutingKey(tenantId: string, routingKey: string): Promise<Integration> {
    const s = await this.repo.findByRoutingKey(tenantId, routingKey);
    if (!s) throw IntegrationError.notFound(`with routing key ${routingKey}`);
    return this.toApi(s);
  }

  /** The integration's quarantined uplinks, newest first (404 for another tenant's integration). */
  async quarantine(tenantId: string, id: string, q: PageQuery): Promise<PageData<QuarantinedMessage>> {
    if (!(await this.repo.find(tenantId, id))) throw IntegrationError.notFound(id);
    return this.runtime.quarantine.page(tenantId, id, q);
  }

  /**
   * Integrations of the tenant that would receive the same messages as `cfg`: the same broker and at
   * least one identical topic filter. Both would store every reading (two points milliseconds apart).
   */
  sharingSubscription(tenantId: string, cfg: MqttConfiguration): Promise<{ name: string; filters: string[] }[]> {
    const host = cfg.clientConfiguration.host.toLowerCase();
    const hosts = LOCAL_HOSTS.includes(host) ? LOCAL_HOSTS : [host];
    return this.repo.sharingSubscription(tenantId, hosts, cfg.clientConfiguration.port, cfg.topicFilters.map((f) => f.filter));
  }

  usingConverter(tenantId: string, converterId: string): Promise<string[]> {
    return this.repo.usingConverter(tenantId, converterId);
  }

  async save(tenantId: string, req: SaveIntegrationRequest): Promise<Integration> {
    const prev = req.id ? await this.repo.find(tenantId, req.id.id) : null;
    if (req.id && !prev) throw IntegrationError.notFound(req.id.id);
    if (!req.id) await this.limits.checkCreate(tenantId, 'integrations');
    await this.checkConverter(tenantId, 'defaultConverterId', req.defaultConverterId.id, 'UPLINK');
    if (req.downlinkConverterId) await this.checkConverter(tenantId, 'downlinkConverterId', req.downlinkConverterId.id, 'DOWNLINK');
    const split = splitSecrets(req.configuration, prev?.secrets ?? {});
    const configuration = split.configuration;
    const secrets = withGeneratedClientId(split.secrets, prev?.secrets);
    await this.checkDestination(configuration);
    await this.checkClientId(req.id?.id ?? null, configuration.clientConfiguration.clientId || secrets.generatedClientId!, configuration.clientConfiguration.host);
    const p = prev?.integration;
    const pinned = req.debugModePinned ?? p?.debugModePinned ?? false;
    const since = debugModeSinceOnSave(
      p ? { debugMode: p.debugMode, since: p.debugModeSince, pinned: p.debugModePinned } : null,
      { debugMode: req.debugMode, pinned },
      this.config.DEBUG_MODE_AUTO_OFF_MIN,
      Date.now(),
    );
    const w = {
      name: req.name,
      type: req.type,
      enabled: req.enabled,
      debugMode: req.debugMode,
      debugModeSince: since,
      debugModePinned: pinned,
      defaultConverterId: req.defaultConverterId.id,
      downlinkConverterId: req.downlinkConverterId?.id ?? null,
      configuration,
      secrets,
      additionalInfo: req.additionalInfo ?? null,
      routingKey: req.routingKey ?? p?.routingKey ?? randomUUID(),
      secret: req.secret !== undefined ? req.secret : (p?.secret ?? null),
    };
    let saved: StoredIntegration | null;
    try {
      saved = req.id ? await this.repo.update(tenantId, req.id.id, w, req.version) : await this.repo.insert(tenantId, w);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw IntegrationError.badField('routingKey', `'${w.routingKey}' is already used by another of your integrations; leave it out to get a new one`);
      throw e;
    }
    if (!saved) throw (await staleVersion(this.db, 'integration', tenantId, req.id!.id, req.version, 'Integration')) ?? IntegrationError.notFound(req.id!.id);
    // started, changed or stopped on the node that runs it (this one, with a single node)
    await this.placement.saved(saved);
    return this.toApi(saved);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.repo.delete(tenantId, id))) throw IntegrationError.notFound(id);
    await this.placement.deleted(tenantId, id);
  }

  /** INTEGRATION_DENY_HOSTS, checked again on every connect (a name may point elsewhere later). */
  private async checkDestination(cfg: MqttConfiguration): Promise<void> {
    if (!this.destinations.active) return;
    const { host, port } = cfg.clientConfiguration;
    await this.destinations.resolve(host, port).catch((e: Error) => {
      throw IntegrationError.badField('configuration.clientConfiguration.host', e.message);
    });
  }

  /** Two connections with one client id take each other's session, and the messages queued for it. */
  private async checkClientId(id: string | null, clientId: string, host: string): Promise<void> {
    for (const other of await this.repo.hostsUsingClientId(clientId, id))
      if (await sameBroker(host, other)) throw IntegrationError.clientIdTaken(clientId, host);
  }

  private async checkConverter(tenantId: string, field: string, id: string, type: 'UPLINK' | 'DOWNLINK'): Promise<void> {
    const c = await this.converters.find(tenantId, id);
    if (!c) throw IntegrationError.badField(field, `no converter with id ${id} in your tenant`);
    if (c.type !== type)
      throw IntegrationError.badField(field, `converter '${c.name}' is a ${c.type.toLowerCase()} converter; ${type.toLowerCase()} is needed here`);
  }
}
