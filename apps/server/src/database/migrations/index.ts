// Every migration, in order. Add a new one at the end (one file each, never edit a landed one).
import { Init1764200000000 } from './1764200000000-init.js';
import { DebugEvents1764200001000 } from './1764200001000-debug-events.js';
import { Dashboards1764600000000 } from './1764600000000-dashboards.js';

export const migrations = [Init1764200000000, DebugEvents1764200001000, Dashboards1764600000000];
