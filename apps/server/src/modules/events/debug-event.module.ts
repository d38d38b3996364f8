import { Global, Module } from '@nestjs/common';
import { DebugEventController } from './debug-event.controller.js';
import { DebugEventService } from './debug-event.service.js';

@Global()
@Module({ controllers: [DebugEventController], providers: [DebugEventService], exports: [DebugEventService] })
export class DebugEventModule {}
