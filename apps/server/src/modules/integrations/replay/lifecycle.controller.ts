import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  replayRequestSchema,
  reprocessRequestSchema,
  testOnArchiveSchema,
  type ReplayApplyResult,
  type ReplayDryRunResult,
  type ReplayJob,
  type ReprocessResult,
  type TestOnArchiveResult,
} from '@bridgeboard/contracts';
import { z } from 'zod';
import { TenantId } from '../../auth/security.js';
import { ReplayService } from './replay.service.js';
import { QuarantineReprocessor } from './quarantine-reprocess.js';

/** `?ids=a,b`: none = all. */
const idList = z
  .string()
  .optional()
  .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : null))
  .pipe(z.array(z.string().uuid('ids must be quarantined message ids (uuids), separated by commas')).nullable());

/** Issue 19: replay of the raw archive, tests on it, quarantine reprocessing (docs: I19-API.md). */
@Controller('api')
export class LifecycleController {
  constructor(
    private readonly replays: ReplayService,
    private readonly quarantine: QuarantineReprocessor,
  ) {}

  /** Dry run or apply; `async: true` answers 202 {jobId} at once. */
  @Post('converter/:id/replay')
  @HttpCode(200)
  async replay(
    @TenantId() tenantId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ): Promise<ReplayDryRunResult | ReplayApplyResult | { jobId: string }> {
    const r = await this.replays.replay(tenantId, id, replayRequestSchema.parse(body));
    if ('jobId' in r) res.status(202);
    return r;
  }

  @Get('converter/:id/replay/:jobId')
  job(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string, @Param('jobId', ParseUUIDPipe) jobId: string): Promise<ReplayJob> {
    return this.replays.job(tenantId, id, jobId);
  }

  /** Cancels a running job (what it stored stays). */
  @Delete('converter/:id/replay/:jobId')
  @HttpCode(200)
  cancel(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string, @Param('jobId', ParseUUIDPipe) jobId: string): Promise<ReplayJob> {
    return this.replays.cancel(tenantId, id, jobId);
  }

  /** The edited (unsaved) configuration on the converter's last archived messages, against the saved versions. */
  @Post('converter/:id/testOnArchive')
  @HttpCode(200)
  testOnArchive(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown): Promise<TestOnArchiveResult> {
    return this.replays.testOnArchive(tenantId, id, testOnArchiveSchema.parse(body));
  }

  @Post('integration/:id/quarantine/reprocess')
  @HttpCode(200)
  reprocess(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown): Promise<ReprocessResult> {
    return this.quarantine.reprocess(tenantId, id, reprocessRequestSchema.parse(body ?? {}).ids ?? null);
  }

  @Delete('integration/:id/quarantine')
  @HttpCode(200)
  discard(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string, @Query('ids') ids: unknown): Promise<{ deleted: number }> {
    return this.quarantine.discard(tenantId, id, idList.parse(ids));
  }
}
