import { Module } from '@nestjs/common';
import { DebugEventController } from './debug-event.controller.js';
import { DebugEventService } from './debug-event.service.js';
import { DebugEventRepository } from './debug-event.repository.js';
import { repositories } from '../../database/repositories.js';

@Module({ controllers: [DebugEventController], providers: [...repositories(DebugEventRepository), DebugEventService], exports: [DebugEventService] })
export class DebugEventModule {}
