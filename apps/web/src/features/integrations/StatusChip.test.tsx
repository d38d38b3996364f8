import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { StatusChip } from './StatusChip';

const chip = () => screen.getByLabelText(/^Status:/);

describe('StatusChip', () => {
  it('shows CONNECTED in green', () => {
    render(<StatusChip status="CONNECTED" />);
    expect(chip().textContent).toBe('CONNECTED');
    expect(chip().className).toContain('MuiChip-colorSuccess');
  });

  it('shows CONNECTING as in progress', () => {
    render(<StatusChip status="CONNECTING" />);
    expect(chip().className).toContain('MuiChip-colorInfo');
  });

  it('shows DISCONNECTED when there is no status yet', () => {
    render(<StatusChip status={undefined} />);
    expect(chip().textContent).toBe('DISCONNECTED');
    expect(chip().className).toContain('MuiChip-colorDefault');
  });

  it('shows an error in red with its whole reason, wrapped rather than cut', () => {
    const s = 'ERROR: connect ECONNREFUSED 127.0.0.1:1884 — is the broker running on that host and port?';
    render(<StatusChip status={s} />);
    expect(chip().className).toContain('MuiChip-colorError');
    expect(chip().textContent).toBe(s);
    expect(chip().getAttribute('aria-label')).toBe(`Status: ${s}`);
  });

  it('shows SILENT as a warning, with the silence in its tooltip text', () => {
    render(<StatusChip status="SILENT" lastError="No uplink for 300 s, longer than the 5 minute(s) this integration expects (silenceAlertMin)" />);
    expect(chip().textContent).toBe('SILENT');
    expect(chip().className).toContain('MuiChip-colorWarning');
  });

  it('shows DISABLED for an integration that is switched off, whatever its last state', () => {
    render(<StatusChip status="CONNECTED" enabled={false} />);
    expect(screen.getByText('DISABLED')).toBeTruthy();
  });
});
