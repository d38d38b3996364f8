import { afterEach, vi } from 'vitest';
import { cleanup, configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 5000 });

// No real socket in component tests: test/fake-socket.ts records rooms and lets a test push server events.
vi.mock('socket.io-client', async () => {
  const { fakeSocket } = await import('./fake-socket');
  return { io: () => fakeSocket };
});

afterEach(() => {
  cleanup();
  localStorage.clear();
  vi.unstubAllGlobals();
});
