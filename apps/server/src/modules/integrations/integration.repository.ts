import type { Integration, MqttConfiguration, PageData, PageQuery } from '@bridgeboard/contracts';
import type { Db } from '../../database/db.js';
import { entityId, newId } from '../../common/ids.js';
import { likePattern, orderBy, sortColumns, toPage } from '../../common/paging.js';
import { versionGuard } from '../../common/versioning.js';

/** The write-only parts of a configuration, kept apart from what the API returns. */
export interface IntegrationSecrets {
  password?: string;
  privateKey?: string;
  privateKeyPassword?: string;
  /** the client id the platform made for the integration (used when configuration.clientId is empty) */
  generatedClientId?: string;
}

interface Row {
  id: string;
  created_time: string;
  tenant_id: string;
  name: string;
  type: 'MQTT';
  enabled: boolean;
  debug_mode: boolean;
  debug_mode_since: string | null;
  debug_mode_pinned: boolean;
  default_converter_id: string;
  downlink_converter_id: string | null;
  configuration: MqttConfiguration;
  secrets: IntegrationSecrets;
  additional_info: Record<string, unknown> | null;
  routing_key: string;
  secret: string | null;
  version: string;
}

/** An integration as stored: the API shape (without status) plus its secrets. */
export interface StoredIntegration {
  integration: Omit<Integration, 'debugModeUntil' | 'status'>;
  secrets: IntegrationSecrets;
}

const toStored = (r: Row): StoredIntegration => ({
  integration: {
    id: entityId('INTEGRATION', r.id),
    createdTime: Number(r.created_time),
    tenantId: entityId('TENANT', r.tenant_id),
    name: r.name,
    type: r.type,
    enabled: r.enabled,
    debugMode: r.debug_mode,
    debugModeSince: r.debug_mode_since === null ? null : Number(r.debug_mode_since),
    debugModePinned: r.debug_mode_pinned,
    defaultConverterId: entityId('CONVERTER', r.default_converter_id),
    downlinkConverterId: r.downlink_converter_id ? entityId('CONVERTER', r.downlink_converter_id) : null,
    configuration: r.configuration,
    additionalInfo: r.additional_info,
    routingKey: r.routing_key,
    secret: r.secret,
    version: Number(r.version),
  },
  secrets: r.secrets ?? {},
});

export interface IntegrationWrite {
  name: string;
  type: 'MQTT';
  enabled: boolean;
  debugMode: boolean;
  debugModeSince: number | null;
  debugModePinned: boolean;
  defaultConverterId: string;
  downlinkConverterId: string | null;
  configuration: MqttConfiguration;
  secrets: IntegrationSecrets;
  additionalInfo: Record<string, unknown> | null;
  routingKey: string;
  secret: string | null;
}

const SORT = sortColumns({ name: 'name', type: 'type', createdTime: 'created_time' });

/** Integrations; every method takes the tenant first. */
export class IntegrationRepository {
  constructor(private readonly db: Db) {}

  async page(tenantId: string, p: PageQuery): Promise<PageData<StoredIntegration>> {
    const like = likePattern(p.textSearch);
    const where = 'tenant_id = $1 AND ($2::text IS NULL OR name ILIKE $2)';
    const rows = await this.db.query<Row>(`SELECT * FROM integration WHERE ${where} ${orderBy(p, SORT, 'created_time')} LIMIT $3 OFFSET $4`, [
      tenantId,
      like,
      p.pageSize,
      p.page * p.pageSize,
    ]);
    const [c] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM integration WHERE ${where}`, [tenantId, like]);
    return toPage(rows.map(toStored), Number(c!.n), p);
  }

  async find(tenantId: string, id: string): Promise<StoredIntegration | null> {
    const [r] = await this.db.query<Row>('SELECT * FROM integration WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return r ? toStored(r) : null;
  }

  async findByRoutingKey(tenantId: string, routingKey: string): Promise<StoredIntegration | null> {
    const [r] = await this.db.query<Row>('SELECT * FROM integration WHERE tenant_id = $1 AND routing_key = $2', [tenantId, routingKey]);
    return r ? toStored(r) : null;
  }

  /** Every enabled integration of every tenant (start-up). */
  async allEnabled(): Promise<StoredIntegration[]> {
    return (await this.db.query<Row>('SELECT * FROM integration WHERE enabled ORDER BY created_time')).map(toStored);
  }

  /**
   * Hosts of the integrations, in ANY tenant, that connect with this client id (other than `exceptId`).
   * Deliberately cross-tenant: a client id is one session on the broker, whoever saved it.
   */
  async hostsUsingClientId(clientId: string, exceptId: string | null): Promise<string[]> {
    const rows = await this.db.query<{ host: string }>(
      `SELECT configuration->'clientConfiguration'->>'host' AS host FROM integration
       WHERE ($2::uuid IS NULL OR id <> $2)
         AND coalesce(nullif(configuration->'clientConfiguration'->>'clientId', ''), secrets->>'generatedClientId',
                      'bb_' || replace(id::text, '-', '')) = $1`,
      [clientId, exceptId],
    );
    return rows.map((r) => r.host);
  }

  /**
   * The tenant's integrations connecting to this broker (any of `hosts`, compared case-insensitively)
   * with the topic filters among `filters` that they subscribe to as well.
   */
  async sharingSubscription(tenantId: string, hosts: string[], port: number, filters: string[]): Promise<{ name: string; filters: string[] }[]> {
    return this.db.query<{ name: string; filters: string[] }>(
      `SELECT name, filters FROM (
         SELECT name, created_time, ARRAY(SELECT f->>'filter' FROM jsonb_array_elements(configuration->'topicFilters') f
                                          WHERE f->>'filter' = ANY($4::text[])) AS filters
         FROM integration
         WHERE tenant_id = $1 AND lower(configuration->'clientConfiguration'->>'host') = ANY($2::text[])
           AND (configuration->'clientConfiguration'->>'port')::int = $3) x
       WHERE cardinality(filters) > 0 ORDER BY created_time`,
      [tenantId, hosts.map((h) => h.toLowerCase()), port, filters],
    );
  }

  /** Names of the tenant's integrations that use a converter. */
  async usingConverter(tenantId: string, converterId: string): Promise<string[]> {
    const rows = await this.db.query<{ name: string }>(
      'SELECT name FROM integration WHERE tenant_id = $1 AND (default_converter_id = $2 OR downlink_converter_id = $2) ORDER BY name',
      [tenantId, converterId],
    );
    return rows.map((r) => r.name);
  }

  async insert(tenantId: string, w: IntegrationWrite): Promise<StoredIntegration> {
    const [r] = await this.db.query<Row>(
      `INSERT INTO integration (id, created_time, tenant_id, name, type, enabled, debug_mode, debug_mode_since, debug_mode_pinned,
         default_converter_id, downlink_converter_id, configuration, secrets, additional_info, routing_key, secret)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING *`,
      [newId(), Date.now(), tenantId, ...this.values(w)],
    );
    return toStored(r!);
  }

  /** null when there is no such integration, or (with `version`) when it is at another version. */
  async update(tenantId: string, id: string, w: IntegrationWrite, version?: number | null): Promise<StoredIntegration | null> {
    const [r] = await this.db.query<Row>(
      `UPDATE integration SET name = $3, type = $4, enabled = $5, debug_mode = $6, debug_mode_since = $7, debug_mode_pinned = $8,
         default_converter_id = $9, downlink_converter_id = $10, configuration = $11, secrets = $12, additional_info = $13,
         routing_key = $14, secret = $15, version = version + 1
       WHERE tenant_id = $1 AND id = $2 AND ${versionGuard(16)} RETURNING *`,
      [tenantId, id, ...this.values(w), version ?? null],
    );
    return r ? toStored(r) : null;
  }

  /** Switches debug mode off (auto-off). */
  async debugOff(tenantId: string, id: string): Promise<void> {
    await this.db.query('UPDATE integration SET debug_mode = false, debug_mode_since = NULL WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM integration WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, id])).length > 0;
  }

  private values(w: IntegrationWrite): unknown[] {
    return [
      w.name,
      w.type,
      w.enabled,
      w.debugMode,
      w.debugModeSince,
      w.debugModePinned,
      w.defaultConverterId,
      w.downlinkConverterId,
      JSON.stringify(w.configuration),
      JSON.stringify(w.secrets),
      w.additionalInfo ? JSON.stringify(w.additionalInfo) : null,
      w.routingKey,
      w.secret,
    ];
  }
}
