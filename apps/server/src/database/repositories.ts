import type { FactoryProvider } from '@nestjs/common';
import { Db } from './db.js';

/**
 * Provides repositories over the database, one per class: services get them injected (and small
 * tests give them fakes) instead of making their own with `new XxxRepository(db)`.
 */
export function repositories(...classes: (new (db: Db) => unknown)[]): FactoryProvider[] {
  return classes.map((cls) => ({ provide: cls, inject: [Db], useFactory: (db: Db) => new cls(db) }));
}
