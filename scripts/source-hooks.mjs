// Resolve hook for running the server from TypeScript source without `pnpm build`:
// the workspace libraries export dist/ by default, so point them at their src/index.ts.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const LIBS = {
  '@bridgeboard/contracts': 'libs/contracts/src/index.ts',
  '@bridgeboard/sandbox': 'libs/sandbox/src/index.ts',
};

export async function resolve(specifier, context, next) {
  const lib = LIBS[specifier];
  if (lib) return { url: pathToFileURL(path.join(root, lib)).href, format: 'module', shortCircuit: true };
  return next(specifier, context);
}
