export default async function globalTeardown(): Promise<void> {
  const g = globalThis as unknown as Record<string, { stop?: () => Promise<void>; close?: () => Promise<void> } | undefined>;
  await g.__bbBroker?.close?.();
  await g.__bbPg?.stop?.();
}
