import { Global, Module, type OnModuleDestroy } from '@nestjs/common';
import { Sandbox } from '@bridgeboard/sandbox';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ConverterController } from './converter.controller.js';
import { ConverterRuntime } from './converter.runtime.js';
import { ConverterService } from './converter.service.js';
import { ConverterTester } from './converter.tester.js';

/** The sandbox with the SANDBOX_* limits; the only place user JavaScript runs. */
const sandboxProvider = {
  provide: Sandbox,
  inject: [APP_CONFIG],
  useFactory: (c: AppConfig) =>
    new Sandbox({
      timeoutMs: c.SANDBOX_TIMEOUT_MS,
      memoryMb: c.SANDBOX_MEMORY_MB,
      maxScriptBytes: c.SANDBOX_MAX_SCRIPT_BYTES,
      maxResultChars: c.SANDBOX_MAX_RESULT_CHARS,
      maxArgsChars: c.SANDBOX_MAX_ARGS_CHARS,
      maxErrors: c.SANDBOX_MAX_ERRORS,
      suspendMs: c.SANDBOX_SUSPEND_MS,
    }),
};

@Global()
@Module({
  controllers: [ConverterController],
  providers: [sandboxProvider, ConverterTester, ConverterService, ConverterRuntime],
  exports: [Sandbox, ConverterService, ConverterRuntime],
})
export class ConverterModule implements OnModuleDestroy {
  constructor(private readonly sandbox: Sandbox) {}

  onModuleDestroy(): void {
    this.sandbox.dispose();
  }
}
