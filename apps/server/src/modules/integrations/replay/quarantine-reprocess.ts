import { Injectable } from '@nestjs/common';
import type { ReprocessResult } from '@bridgeboard/contracts';
import { ArchiveDecoder } from '../../converters/converter.archive-decoder.js';
import { IntegrationService } from '../integration.service.js';
import { IntegrationRuntime } from '../runtime/integration-runtime.js';
import { storePast } from './past-store.js';
import { ReplayService } from './replay.service.js';

/** Quarantined messages per step (one sandbox call, one commit). */
const CHUNK = 500;

/**
 * Issue 19: quarantined messages run again through the integration's current converter and stored
 * through its live path (at their receive time where the decoder gives no ts); stored ones leave the
 * quarantine, the others stay with their new error and one more attempt.
 */
@Injectable()
export class QuarantineReprocessor {
  constructor(
    private readonly integrations: IntegrationService,
    private readonly runtime: IntegrationRuntime,
    private readonly decoder: ArchiveDecoder,
    private readonly replays: ReplayService,
  ) {}

  async reprocess(tenantId: string, integrationId: string, ids: string[] | null): Promise<ReprocessResult> {
    const integration = await this.integrations.get(tenantId, integrationId);
    return this.replays.slots.run(tenantId, () => this.reprocessWith(tenantId, integrationId, integration.defaultConverterId.id, ids));
  }

  private async reprocessWith(tenantId: string, integrationId: string, converterId: string, ids: string[] | null): Promise<ReprocessResult> {
    const q = this.runtime.quarantine;
    const r: ReprocessResult = { reprocessed: 0, stored: 0, failed: 0 };
    let after: { receivedTime: number; id: string } | null = null;
    try {
      for (;;) {
        const msgs = await q.take(tenantId, integrationId, ids, after, CHUNK);
        if (!msgs.length) break;
        const last = msgs[msgs.length - 1]!;
        after = { receivedTime: last.receivedTime, id: last.id };
        const results = await storePast(
          this.runtime,
          tenantId,
          integrationId,
          async (inputs) =>
            (await this.decoder.current(tenantId, converterId, inputs.map((i) => ({ payload: i.payload, metadata: i.metadata, receivedTime: i.receivedAt ?? Date.now() }))))
              .outcomes,
          msgs,
        );
        const stored = msgs.filter((_, k) => results[k]!.stored).map((m) => m.id);
        const failed = msgs.flatMap((m, k) => {
          const x = results[k]!;
          return x.stored ? [] : [{ id: m.id, error: x.error, code: x.code ?? 'REPROCESS_FAILED' }];
        });
        await q.removeIds(tenantId, integrationId, stored);
        await q.failedAgain(tenantId, failed);
        r.reprocessed += msgs.length;
        r.stored += stored.length;
        r.failed += failed.length;
        if (msgs.length < CHUNK) break;
      }
    } finally {
      await this.runtime.recountQuarantine(tenantId, integrationId);
    }
    return r;
  }

  async discard(tenantId: string, integrationId: string, ids: string[] | null): Promise<{ deleted: number }> {
    await this.integrations.get(tenantId, integrationId);
    const deleted = await this.runtime.quarantine.remove(tenantId, integrationId, ids);
    await this.runtime.recountQuarantine(tenantId, integrationId);
    return { deleted };
  }
}
