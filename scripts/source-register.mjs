// `node --import <this file> apps/server/src/main.ts`: the server from source (swc-node + lib mapping).
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('@swc-node/register/esm', pathToFileURL(import.meta.dirname + '/'));
register('./source-hooks.mjs', import.meta.url);
