import type { EntityId, EntityType } from '@bridgeboard/contracts';
import { randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();
export const entityId = <T extends EntityType>(entityType: T, id: string): EntityId<T> => ({ entityType, id });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);
