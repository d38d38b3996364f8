import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DebugModeField } from './DebugModeField';

afterEach(() => vi.useRealTimers());

describe('DebugModeField', () => {
  it('shows the full auto-off time right after debug mode is switched on and saved, however long the page was open', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_800_000_000_000);
    const { rerender } = render(
      <DebugModeField debugMode={false} pinned={false} until={null} onChange={() => undefined} />,
    );
    // the user reads the page for 10 s, switches debug mode on and saves
    vi.setSystemTime(1_800_000_010_000);
    rerender(
      <DebugModeField debugMode pinned={false} until={Date.now() + 15 * 60_000} onChange={() => undefined} />,
    );
    expect(screen.getByText('Switches off in 15 min 0 s')).toBeTruthy();
  });
});
