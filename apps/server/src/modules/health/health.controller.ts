import { Controller, Get, Inject } from '@nestjs/common';
import { Sandbox } from '@bridgeboard/sandbox';
import { Db } from '../../database/db.js';
import { Public } from '../auth/security.js';
import { RUNTIME_INFO, type RuntimeInfo } from '../../core.module.js';

@Controller('api')
export class HealthController {
  constructor(
    private readonly db: Db,
    @Inject(RUNTIME_INFO) private readonly info: RuntimeInfo,
    private readonly sandbox: Sandbox,
  ) {}

  /** Liveness plus the state of what the platform depends on. */
  @Get('health')
  @Public()
  async health() {
    const dbUp = await this.db.ping();
    return {
      status: dbUp ? 'UP' : 'DOWN',
      database: { status: dbUp ? 'UP' : 'DOWN', embedded: this.info.embeddedDatabase },
      broker: this.info.embeddedBrokerPort
        ? { status: 'UP', embedded: true, port: this.info.embeddedBrokerPort }
        : { status: 'NOT_EMBEDDED', embedded: false },
      // workers start on first use; restarts count workers replaced after a crash or memory cap
      sandbox: (({ workers, alive, restarts }) => ({ workers, alive, restarts }))(this.sandbox.status()),
      uptimeMs: Math.round(process.uptime() * 1000),
      version: this.info.version,
    };
  }
}
