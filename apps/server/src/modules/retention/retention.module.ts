import { Module } from '@nestjs/common';
import { RetentionService } from './retention.service.js';

/** Partition upkeep and retention of time-keyed tables (ts_kv, debug events, the raw archive). */
@Module({ providers: [RetentionService], exports: [RetentionService] })
export class RetentionModule {}
