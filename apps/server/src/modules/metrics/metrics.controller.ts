import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AppError, ErrorCode } from '../../common/errors.js';
import { Public } from '../auth/security.js';
import { metricsRefusal } from './metrics-access.js';
import { Metrics } from './metrics.registry.js';

/** Prometheus scrape endpoint; outside /api because it is for the operator's scraper, not for users. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** No user token: guarded by the caller's address or METRICS_TOKEN instead (metrics-access.ts). */
  @Get()
  @Public()
  @ApiExcludeEndpoint()
  async scrape(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (!this.metrics.enabled) throw new AppError(404, ErrorCode.ITEM_NOT_FOUND, 'GET /metrics is switched off on this server (METRICS_ENABLED=off)');
    const refused = metricsRefusal(req, this.config.METRICS_TOKEN);
    if (refused) throw AppError.forbidden(refused);
    // set here, not by decorator: a refusal stays the usual JSON error
    res.setHeader('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE);
    res.setHeader('Cache-Control', 'no-store');
    return this.metrics.registry.metrics();
  }
}
