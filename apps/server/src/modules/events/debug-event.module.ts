import { Module } from '@nestjs/common';
import { DebugEventController } from './debug-event.controller.js';
import { DebugEventService } from './debug-event.service.js';

@Module({ controllers: [DebugEventController], providers: [DebugEventService], exports: [DebugEventService] })
export class DebugEventModule {}
