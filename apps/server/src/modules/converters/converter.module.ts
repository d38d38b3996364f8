import { Logger, Module, type OnModuleDestroy } from '@nestjs/common';
import { Sandbox } from '@bridgeboard/sandbox';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ConverterController } from './converter.controller.js';
import { ConverterRuntime } from './converter.runtime.js';
import { ConverterService } from './converter.service.js';
import { ConverterTester } from './converter.tester.js';
import { ArchiveDecoder } from './converter.archive-decoder.js';
import { ClusterModule } from '../cluster/cluster.module.js';
import { ConverterRepository } from './converter.repository.js';
import { ConverterVersionRepository } from './converter-version.repository.js';
import { repositories } from '../../database/repositories.js';
import { DebugEventModule } from '../events/debug-event.module.js';

/** The sandbox with the SANDBOX_* limits; the only place user JavaScript runs. */
const sandboxProvider = {
  provide: Sandbox,
  inject: [APP_CONFIG],
  useFactory: (c: AppConfig) => {
    const log = new Logger('sandbox');
    return new Sandbox(
      {
        timeoutMs: c.SANDBOX_TIMEOUT_MS,
        memoryMb: c.SANDBOX_MEMORY_MB,
        maxScriptBytes: c.SANDBOX_MAX_SCRIPT_BYTES,
        maxResultChars: c.SANDBOX_MAX_RESULT_CHARS,
        maxArgsChars: c.SANDBOX_MAX_ARGS_CHARS,
        maxErrors: c.SANDBOX_MAX_ERRORS,
        suspendMs: c.SANDBOX_SUSPEND_MS,
      },
      {
        pool: {
          workers: c.SANDBOX_WORKERS,
          workerConcurrency: c.SANDBOX_WORKER_CONCURRENCY,
          tenantQueue: c.SANDBOX_TENANT_QUEUE,
          workerMaxRssMb: c.SANDBOX_WORKER_MAX_RSS_MB,
        },
        onWorkerExit: (e) =>
          log.warn(`Sandbox worker ${e.worker}: ${e.cause.detail}; ${e.inFlight} call(s) in flight were failed or retried alone`),
      },
    );
  },
};

@Module({
  imports: [ClusterModule, DebugEventModule],
  controllers: [ConverterController],
  providers: [...repositories(ConverterRepository, ConverterVersionRepository), sandboxProvider, ConverterTester, ConverterService, ConverterRuntime, ArchiveDecoder],
  exports: [Sandbox, ConverterService, ConverterRuntime, ArchiveDecoder],
})
export class ConverterModule implements OnModuleDestroy {
  constructor(private readonly sandbox: Sandbox) {}

  onModuleDestroy(): void {
    this.sandbox.dispose();
  }
}
