import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../app/api';
import { SaveErrorAlert } from './SaveErrorAlert';

describe('SaveErrorAlert', () => {
  it('offers Reload and Overwrite when someone else saved the entity meanwhile (409, stale version)', () => {
    const onReload = vi.fn();
    const onOverwrite = vi.fn();
    const stale = new ApiError(
      409,
      "Converter 'MQTT uplink' was changed by someone else",
      35,
      undefined,
      true,
    );
    render(<SaveErrorAlert error={stale} what="converter" onReload={onReload} onOverwrite={onOverwrite} />);
    expect(
      screen.getByText('This converter was changed by someone else — reload or overwrite.'),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Overwrite' }));
    expect(onOverwrite).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(onReload).toHaveBeenCalledTimes(1);
  });

  it("shows any other failure's own sentence, without those choices", () => {
    const inUse = new ApiError(409, "Converter 'MQTT uplink' is used by integration 'MQTT Integration'", 35);
    render(<SaveErrorAlert error={inUse} what="converter" onReload={vi.fn()} onOverwrite={vi.fn()} />);
    expect(screen.getByText(/is used by integration/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Overwrite' })).toBeNull();
  });
});
