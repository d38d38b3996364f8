// Jest loads global setup outside its ESM transform, so load the TypeScript through swc-node.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('@swc-node/register/esm', pathToFileURL('./'));

export default async function globalSetup() {
  const { default: setup } = await import('./global-setup.impl.ts');
  await setup();
}
