import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  mqttConfigurationSchema,
  saveConverterSchema,
  saveDashboardSchema,
  saveIntegrationSchema,
  saveRuleChainMetaDataSchema,
  saveRuleChainSchema,
  UNRESOLVED_ENTITY_ID,
  type Device,
  type ExportDocument,
  type ImportedEntity,
  type ImportResult,
} from '@bridgeboard/contracts';
import type { z } from 'zod';
import { ConverterService } from '../converters/converter.service.js';
import { DashboardService } from '../dashboards/dashboard.service.js';
import { DeviceService } from '../devices/device.service.js';
import { PLATFORM_EVENTS, type PlatformEvents } from '../../common/ports.js';
import { IntegrationService } from '../integrations/integration.service.js';
import { RuleChainService } from '../rule-engine/rule-chain.service.js';
import { TransferError } from './transfer.errors.js';
import {
  emptyDocument,
  exportConverter,
  exportDashboard,
  exportIntegration,
  exportRuleChain,
  INTEGRATION_DOWNLINK_NODE,
  integrationsUsedBy,
  RULE_CHAIN_NODE,
} from './transfer.export.js';
import { TransferRepository } from './transfer.repository.js';

type Ref = { entityType: string; id: string } | null | undefined;
type AliasFilter = { singleEntity: { entityType: string; id: string }; entityName?: string };

/** Runs a zod schema on one entry of the document; a problem names the entry and the field. */
function parseEntry<S extends z.ZodType>(schema: S, value: unknown, path: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw TransferError.badField([path, ...issue.path.map(String)].join('.'), issue.message);
}

/** Export and import of converters, integrations, rule chains and dashboards, always inside the caller's tenant. */
@Injectable()
export class TransferService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('transfer');
  private offDeviceCreated: (() => void) | null = null;
  private readonly onDeviceCreated = (d: Device) => {
    this.bindAliases(d).catch((e: Error) =>
      this.log.error(`Could not bind dashboard aliases to device '${d.name}': ${e.message}`),
    );
  };

  constructor(
    private readonly converters: ConverterService,
    private readonly integrations: IntegrationService,
    private readonly rules: RuleChainService,
    private readonly dashboards: DashboardService,
    private readonly devices: DeviceService,
    private readonly repo: TransferRepository,
    @Inject(PLATFORM_EVENTS) private readonly platform: PlatformEvents,
  ) {}

  onModuleInit(): void {
    this.offDeviceCreated = this.platform.on('deviceCreated', this.onDeviceCreated);
  }

  onModuleDestroy(): void {
    this.offDeviceCreated?.();
  }

  // ---- export: each document carries what its entity needs to work in another tenant ----

  async exportConverter(tenantId: string, id: string): Promise<ExportDocument> {
    return { ...emptyDocument(), converters: [exportConverter(await this.converters.get(tenantId, id))] };
  }

  async exportIntegration(tenantId: string, id: string): Promise<ExportDocument> {
    const doc = emptyDocument();
    await this.addIntegration(tenantId, id, doc);
    return doc;
  }

  async exportRuleChain(tenantId: string, id: string): Promise<ExportDocument> {
    const doc = emptyDocument();
    const chain = await this.rules.get(tenantId, id);
    const meta = await this.rules.getMetadata(tenantId, id);
    for (const integrationId of integrationsUsedBy(meta))
      await this.addIntegration(tenantId, integrationId, doc);
    doc.ruleChains.push(exportRuleChain(chain, meta));
    return doc;
  }

  async exportDashboard(tenantId: string, id: string): Promise<ExportDocument> {
    const d = await this.dashboards.get(tenantId, id);
    const ids = Object.values(d.configuration.entityAliases)
      .map((a) => a.filter.singleEntity)
      .filter((e) => e.entityType === 'DEVICE' && e.id !== UNRESOLVED_ENTITY_ID)
      .map((e) => e.id);
    const names = new Map<string, string>();
    for (const deviceId of new Set(ids)) {
      const device = await this.devices.get(tenantId, deviceId).catch(() => null);
      if (device) names.set(deviceId, device.name);
    }
    return { ...emptyDocument(), dashboards: [exportDashboard(d, names)] };
  }

  private async addIntegration(tenantId: string, id: string, doc: ExportDocument): Promise<void> {
    if (doc.integrations.some((i) => i.id.id === id)) return;
    const i = await this.integrations.get(tenantId, id);
    for (const ref of [i.defaultConverterId, i.downlinkConverterId]) {
      if (ref && !doc.converters.some((c) => c.id.id === ref.id))
        doc.converters.push(exportConverter(await this.converters.get(tenantId, ref.id)));
    }
    doc.integrations.push(exportIntegration(i));
  }

  // ---- import ----

  /**
   * Creates every entity of the documents in the tenant. Everything is checked before the first
   * write; should a write still fail, what was created is removed again, so an import is all or nothing.
   */
  async import(tenantId: string, docs: ExportDocument[]): Promise<ImportResult> {
    const doc = merge(docs);
    const warnings: string[] = [];
    const created: ImportedEntity[] = [];
    const idMap = new Map<string, string>();
    const plan = await this.check(tenantId, doc, warnings);
    let rootChain: string | null = null;
    try {
      for (const [i, c] of plan.converters.entries()) {
        const saved = await this.converters.save(tenantId, c);
        const src = doc.converters[i]!.id.id;
        idMap.set(src, saved.id.id);
        created.push({ entityType: 'CONVERTER', sourceId: src, id: saved.id.id, name: saved.name });
      }
      for (const [i, req] of plan.integrations.entries()) {
        const saved = await this.integrations.save(tenantId, {
          ...req,
          defaultConverterId: remap(req.defaultConverterId, idMap)!,
          downlinkConverterId: remap(req.downlinkConverterId, idMap),
        });
        const src = doc.integrations[i]!.id.id;
        idMap.set(src, saved.id.id);
        created.push({ entityType: 'INTEGRATION', sourceId: src, id: saved.id.id, name: saved.name });
      }
      // chains first, nodes second: a node may hand messages to any chain of the document
      for (const [i, r] of doc.ruleChains.entries()) {
        const saved = await this.rules.save(tenantId, plan.chains[i]!);
        idMap.set(r.ruleChain.id.id, saved.id.id);
        created.push({
          entityType: 'RULE_CHAIN',
          sourceId: r.ruleChain.id.id,
          id: saved.id.id,
          name: saved.name,
        });
        if (r.ruleChain.root) rootChain = saved.id.id;
      }
      for (const [i, r] of doc.ruleChains.entries()) {
        const meta = plan.chainMetadata[i]!;
        await this.rules.saveMetadata(tenantId, {
          ...meta,
          ruleChainId: { entityType: 'RULE_CHAIN', id: idMap.get(r.ruleChain.id.id)! },
          nodes: meta.nodes.map((n) => ({
            ...n,
            configuration: remapNodeConfig(n.type, n.configuration, idMap),
          })),
        });
      }
      for (const [i, d] of plan.dashboards.entries()) {
        const saved = await this.dashboards.save(tenantId, d);
        const src = doc.dashboards[i]!.id.id;
        created.push({ entityType: 'DASHBOARD', sourceId: src, id: saved.id.id, name: saved.title });
      }
      // last, so a failed import never leaves the tenant with another root chain
      if (rootChain) await this.rules.setRoot(tenantId, rootChain);
    } catch (e) {
      await this.undo(tenantId, created);
      throw e;
    }
    return { created, warnings };
  }

  /**
   * An example is loaded once: when one of the tenant's integrations already subscribes to the same
   * broker and topic filters as the example's, a second copy would store every reading twice (and
   * make a second root chain), so it takes `duplicate` to insist.
   */
  async importExample(
    tenantId: string,
    name: string,
    doc: ExportDocument,
    duplicate: boolean,
  ): Promise<ImportResult> {
    if (!duplicate)
      for (const i of doc.integrations) {
        const cfg = mqttConfigurationSchema.parse(i.configuration);
        const same = await this.integrations.sharingSubscription(tenantId, cfg);
        const c = cfg.clientConfiguration;
        if (same.length) throw TransferError.alreadySubscribed(name, same, `${c.host}:${c.port}`);
      }
    return this.import(tenantId, [doc]);
  }

  /** Validates the whole document against the save schemas and the tenant before anything is written. */
  private async check(tenantId: string, doc: ExportDocument, warnings: string[]) {
    const inDoc = new Set<string>([
      ...doc.converters.map((c) => c.id.id),
      ...doc.integrations.map((i) => i.id.id),
      ...doc.ruleChains.map((r) => r.ruleChain.id.id),
    ]);
    const converters = doc.converters.map((c, i) =>
      parseEntry(saveConverterSchema, { ...c, id: undefined }, `converters[${i}]`),
    );
    const integrations = doc.integrations.map((raw, i) => {
      const req = parseEntry(
        saveIntegrationSchema,
        { ...raw, id: undefined, routingKey: undefined, version: undefined },
        `integrations[${i}]`,
      );
      const creds = req.configuration.clientConfiguration.credentials;
      if (creds.type === 'basic' || creds.type === 'cert.PEM')
        warnings.push(
          `Integration '${req.name}' uses ${creds.type} credentials; secrets are never exported, so enter them on its page.`,
        );
      return req;
    });
    for (const [i, req] of integrations.entries()) {
      for (const field of ['defaultConverterId', 'downlinkConverterId'] as const) {
        const ref = req[field];
        if (ref && !inDoc.has(ref.id) && !(await this.converters.getRecord(tenantId, ref.id)))
          throw TransferError.badField(
            `integrations[${i}].${field}`,
            `converter ${ref.id} is neither in the document nor in your tenant`,
          );
      }
    }
    const chains = doc.ruleChains.map((r, i) =>
      parseEntry(saveRuleChainSchema, { ...r.ruleChain, id: undefined }, `ruleChains[${i}].ruleChain`),
    );
    const chainMetadata = doc.ruleChains.map((r, i) =>
      parseEntry(
        saveRuleChainMetaDataSchema,
        { ...r.metadata, ruleChainId: { entityType: 'RULE_CHAIN', id: UNRESOLVED_ENTITY_ID } },
        `ruleChains[${i}].metadata`,
      ),
    );
    for (const [i, meta] of chainMetadata.entries()) {
      for (const [j, n] of meta.nodes.entries()) {
        if (n.type !== INTEGRATION_DOWNLINK_NODE) continue;
        const target = (n.configuration as { integrationId?: unknown }).integrationId;
        if (
          typeof target === 'string' &&
          !inDoc.has(target) &&
          !(await this.integrationExists(tenantId, target))
        )
          throw TransferError.badField(
            `ruleChains[${i}].metadata.nodes[${j}].configuration.integrationId`,
            `node '${n.name}' names integration ${target}, which is neither in the document nor in your tenant`,
          );
      }
    }
    const dashboards = [];
    for (const [i, d] of doc.dashboards.entries()) {
      const parsed = parseEntry(saveDashboardSchema, { ...d, id: undefined }, `dashboards[${i}]`);
      for (const a of Object.values(parsed.configuration.entityAliases))
        await this.resolveAlias(tenantId, parsed.title, a.alias, a.filter as AliasFilter, warnings);
      dashboards.push(parsed);
    }
    return { converters, integrations, chains, chainMetadata, dashboards };
  }

  private integrationExists(tenantId: string, id: string): Promise<boolean> {
    return this.integrations.get(tenantId, id).then(
      () => true,
      (e: { status?: number }) => {
        if (e?.status === 404 || e?.status === 400) return false;
        throw e;
      },
    );
  }

  /** Binds a device alias to the tenant's device of the same name; never to another tenant's device. */
  private async resolveAlias(
    tenantId: string,
    title: string,
    alias: string,
    f: AliasFilter,
    warnings: string[],
  ): Promise<void> {
    if (f.singleEntity.entityType !== 'DEVICE') return;
    const byName = f.entityName ? await this.repo.deviceIdByName(tenantId, f.entityName) : null;
    if (byName) {
      f.singleEntity.id = byName;
      return;
    }
    if (!f.entityName && (await this.repo.deviceExists(tenantId, f.singleEntity.id))) return;
    f.singleEntity.id = UNRESOLVED_ENTITY_ID;
    warnings.push(
      f.entityName
        ? `Dashboard '${title}': alias '${alias}' is waiting for device '${f.entityName}', which does not exist yet; it is bound as soon as a device of that name is created.`
        : `Dashboard '${title}': alias '${alias}' names a device that is not in your tenant; pick its device in the dashboard's aliases.`,
    );
  }

  /** A new device completes the aliases that were waiting for its name. */
  async bindAliases(d: Device): Promise<number> {
    const tenantId = d.tenantId.id;
    const ids = await this.repo.dashboardsWaitingFor(tenantId, d.name);
    for (const id of ids) {
      const dash = await this.dashboards.get(tenantId, id);
      for (const a of Object.values(dash.configuration.entityAliases)) {
        const f = a.filter as AliasFilter;
        if (f.singleEntity.id === UNRESOLVED_ENTITY_ID && f.entityName === d.name)
          f.singleEntity.id = d.id.id;
      }
      await this.dashboards.save(tenantId, {
        id: dash.id,
        title: dash.title,
        configuration: dash.configuration,
      });
    }
    return ids.length;
  }

  private async undo(tenantId: string, created: ImportedEntity[]): Promise<void> {
    for (const e of [...created].reverse()) {
      const remove = {
        DASHBOARD: () => this.dashboards.delete(tenantId, e.id),
        RULE_CHAIN: () => this.rules.delete(tenantId, e.id),
        INTEGRATION: () => this.integrations.delete(tenantId, e.id),
        CONVERTER: () => this.converters.delete(tenantId, e.id),
      }[e.entityType];
      await remove().catch((err: Error) =>
        this.log.error(
          `Could not remove ${e.entityType} '${e.name}' (${e.id}) after a failed import: ${err.message}`,
        ),
      );
    }
  }
}

function merge(docs: ExportDocument[]): ExportDocument {
  const out = {
    ...docs[0]!,
    converters: [],
    integrations: [],
    ruleChains: [],
    dashboards: [],
  } as ExportDocument;
  for (const d of docs) {
    out.converters.push(...d.converters);
    out.integrations.push(...d.integrations);
    out.ruleChains.push(...d.ruleChains);
    out.dashboards.push(...d.dashboards);
  }
  const seen = new Set<string>();
  for (const [kind, ids] of [
    ['converters', out.converters.map((c) => c.id.id)],
    ['integrations', out.integrations.map((i) => i.id.id)],
    ['ruleChains', out.ruleChains.map((r) => r.ruleChain.id.id)],
    ['dashboards', out.dashboards.map((d) => d.id.id)],
  ] as const) {
    for (const [i, id] of ids.entries()) {
      if (seen.has(id))
        throw TransferError.badField(`${kind}[${i}].id`, `id ${id} appears twice in the document`);
      seen.add(id);
    }
  }
  return out;
}

function remap<T extends Ref>(ref: T, idMap: ReadonlyMap<string, string>): T {
  if (!ref) return ref;
  const id = idMap.get(ref.id);
  return id ? ({ ...ref, id } as T) : ref;
}

function remapNodeConfig(
  type: string,
  cfg: Record<string, unknown>,
  idMap: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const key =
    type === INTEGRATION_DOWNLINK_NODE ? 'integrationId' : type === RULE_CHAIN_NODE ? 'ruleChainId' : null;
  if (!key || typeof cfg[key] !== 'string') return cfg;
  return { ...cfg, [key]: idMap.get(cfg[key] as string) ?? cfg[key] };
}
