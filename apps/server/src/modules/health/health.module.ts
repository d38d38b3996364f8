import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { ConverterModule } from '../converters/converter.module.js';

@Module({ imports: [ConverterModule], controllers: [HealthController] })
export class HealthModule {}
