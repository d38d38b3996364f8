import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  exampleOverridesSchema,
  exportDocumentSchema,
  importBundleSchema,
  type ExportDocument,
  type ImportResult,
} from '@bridgeboard/contracts';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { TenantId } from '../auth/security.js';
import { TransferError } from './transfer.errors.js';
import { EXAMPLES, withBroker } from './transfer.examples.js';
import { TransferService } from './transfer.service.js';

/** Export of one entity (with what it needs), import of documents, and the ready-made examples. */
@Controller('api')
export class TransferController {
  constructor(
    private readonly transfer: TransferService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('converter/:id/export')
  exportConverter(
    @TenantId() tenantId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ExportDocument> {
    return this.transfer.exportConverter(tenantId, id);
  }

  /** The integration and its converters; secrets are never part of it. */
  @Get('integration/:id/export')
  exportIntegration(
    @TenantId() tenantId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ExportDocument> {
    return this.transfer.exportIntegration(tenantId, id);
  }

  /** The chain with its nodes and connections, and the integrations (with converters) its downlink nodes use. */
  @Get('ruleChain/:id/export')
  exportRuleChain(
    @TenantId() tenantId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ExportDocument> {
    return this.transfer.exportRuleChain(tenantId, id);
  }

  /** The dashboard; its device aliases name their devices. */
  @Get('dashboard/:id/export')
  exportDashboard(
    @TenantId() tenantId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ExportDocument> {
    return this.transfer.exportDashboard(tenantId, id);
  }

  /** One exported document, or an array of them; creates everything in the caller's tenant. */
  @Post('import')
  @HttpCode(200)
  import(@TenantId() tenantId: string, @Body() body: unknown): Promise<ImportResult> {
    // parsed apart, so a bad document gets the field's own message rather than the union's
    const docs = Array.isArray(body) ? importBundleSchema.parse(body) : [exportDocumentSchema.parse(body)];
    return this.transfer.import(tenantId, docs);
  }

  @Get('import/example/:name')
  example(@TenantId() _tenantId: string, @Param('name') name: string): ExportDocument {
    return this.exampleDoc(name, {});
  }

  /**
   * Loads an example; `host` and `port` (query) say where its integration connects. When one of the
   * tenant's integrations already subscribes to those topics there, 409 unless `duplicate=true`.
   */
  @Post('import/example/:name')
  @HttpCode(200)
  importExample(
    @TenantId() tenantId: string,
    @Param('name') name: string,
    @Query() q: unknown,
  ): Promise<ImportResult> {
    const { duplicate, ...broker } = exampleOverridesSchema.parse(q);
    return this.transfer.importExample(tenantId, name, this.exampleDoc(name, broker), duplicate);
  }

  private exampleDoc(name: string, broker: { host?: string; port?: number }): ExportDocument {
    const raw = Object.hasOwn(EXAMPLES, name) ? EXAMPLES[name] : undefined;
    if (!raw) throw TransferError.noExample(name, Object.keys(EXAMPLES));
    const port = broker.port ?? (this.config.EMBEDDED_BROKER ? this.config.EMBEDDED_BROKER_PORT : undefined);
    return withBroker(exportDocumentSchema.parse(raw), { ...broker, port });
  }
}
