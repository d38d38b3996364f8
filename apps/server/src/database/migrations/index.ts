// Every migration, in order. Add a new one at the end (one file each, never edit a landed one).
import { Init1764200000000 } from './1764200000000-init.js';

export const migrations = [Init1764200000000];
