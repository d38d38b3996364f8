import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { tokens } from '../../app/api';
import { fakeFetch, renderAt } from '../../test/render';
import { GUIDE_DECODER } from '@bridgeboard/contracts';
import { TestPanel } from './TestPanel';

const b64 = (s: string) => btoa(s);

describe('TestPanel', () => {
  it("runs the decoder on the guide's payload and topic and shows the output", async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const output = JSON.stringify({
      deviceName: 'SN-001',
      deviceType: 'sensor',
      telemetry: { temperature: 25.1 },
    });
    const { calls } = fakeFetch(() => [200, { output, error: '' }]);
    const onErrorLine = vi.fn();
    renderAt(<TestPanel type="UPLINK" script={GUIDE_DECODER} onErrorLine={onErrorLine} />);
    await userEvent.click(screen.getByRole('button', { name: 'Test decoder function' }));
    const out = await screen.findByLabelText('Output');
    expect(out.textContent).toContain('"SN-001"');
    expect(out.textContent).toContain('25.1');
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/converter/testUpLink?scriptLang=JS',
      body: {
        payload: b64('{"value":25.1}'),
        metadata: {
          topic: 'tb/mqtt-integration-tutorial/sensors/SN-001/temperature',
          integrationName: 'MQTT Integration',
        },
        decoder: GUIDE_DECODER,
      },
    });
    expect(onErrorLine).toHaveBeenLastCalledWith(null, undefined);
  });

  it('shows the error with its line and asks the editor to highlight that line', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch(() => [
      200,
      { output: '', error: "TypeError: Cannot read properties of null (reading '1') at line 9" },
    ]);
    const onErrorLine = vi.fn();
    renderAt(<TestPanel type="UPLINK" script={GUIDE_DECODER} onErrorLine={onErrorLine} />);
    await userEvent.click(screen.getByRole('button', { name: 'Test decoder function' }));
    const alert = await screen.findByRole('alert', { name: 'Test error' });
    expect(alert.textContent).toContain('Line 9:');
    expect(alert.textContent).toContain('Cannot read properties of null');
    expect(onErrorLine).toHaveBeenLastCalledWith(
      9,
      "TypeError: Cannot read properties of null (reading '1') at line 9",
    );
    expect(screen.queryByLabelText('Output')).toBeNull();
  });

  it('prefers the line the server reports', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch(() => [200, { output: '', error: 'SyntaxError: Unexpected token', errorLine: 4 }]);
    const onErrorLine = vi.fn();
    renderAt(<TestPanel type="UPLINK" script="var a = ;" onErrorLine={onErrorLine} />);
    await userEvent.click(screen.getByRole('button', { name: 'Test decoder function' }));
    await screen.findByText(/Line 4:/);
    expect(onErrorLine).toHaveBeenLastCalledWith(4, 'SyntaxError: Unexpected token');
  });

  it('lists the console lines the script printed', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch(() => [
      200,
      {
        output: '{"deviceName":"SN-001","deviceType":"sensor"}',
        error: '',
        consoleLines: ['payload has 14 bytes', { level: 'warn', message: 'no ts, using now' }],
      },
    ]);
    renderAt(<TestPanel type="UPLINK" script="console.log('x'); return {}" />);
    await userEvent.click(screen.getByRole('button', { name: 'Test decoder function' }));
    const lines = await screen.findByLabelText('Console output');
    expect([...lines.querySelectorAll('li')].map((l) => l.textContent)).toEqual([
      'payload has 14 bytes',
      '[warn] no ts, using now',
    ]);
  });

  it('sends a hex payload as base64 and refuses hex that is not hex', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch(() => [200, { output: '{}', error: '' }]);
    renderAt(<TestPanel type="UPLINK" script="return {}" />);
    await userEvent.click(screen.getByRole('button', { name: 'Hex' }));
    const payload = screen.getByLabelText('Payload');
    fireEvent.change(payload, { target: { value: 'zz' } });
    await userEvent.click(screen.getByRole('button', { name: 'Test decoder function' }));
    expect(await screen.findByText(/Payload is not valid hex/)).toBeTruthy();
    expect(calls).toHaveLength(0);
    fireEvent.change(payload, { target: { value: '7b 7d' } });
    await userEvent.click(screen.getByRole('button', { name: 'Test decoder function' }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect((calls[0]!.body as { payload: string }).payload).toBe(b64('{}'));
  });

  it('runs the encoder with msg, msgType and metadata', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch(() => [
      200,
      { output: '{"contentType":"JSON","data":"{\\"value\\":32}"}', error: '' },
    ]);
    renderAt(<TestPanel type="DOWNLINK" script="return {}" />);
    await userEvent.click(screen.getByRole('button', { name: 'Test encoder function' }));
    await screen.findByLabelText('Output');
    expect(calls[0]).toMatchObject({
      url: '/api/converter/testDownLink?scriptLang=JS',
      body: {
        msg: '{"method":"setValue","params":"32"}',
        msgType: 'RPC_CALL_FROM_SERVER_TO_DEVICE',
        metadata: { deviceName: 'SN-001', deviceType: 'sensor' },
        integrationMetadata: {},
        encoder: 'return {}',
      },
    });
  });

  it('saves the input and the output of a passing run as a named test case', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const output = JSON.stringify({
      deviceName: 'SN-001',
      deviceType: 'sensor',
      telemetry: { temperature: 25.1 },
    });
    fakeFetch(() => [200, { output, error: '', consoleLines: [] }]);
    const onSaveCase = vi.fn();
    renderAt(<TestPanel type="UPLINK" script={GUIDE_DECODER} onSaveCase={onSaveCase} />);
    await userEvent.click(screen.getByRole('button', { name: 'Test decoder function' }));
    await screen.findByLabelText('Output');
    await userEvent.click(screen.getByRole('button', { name: 'Save as test case' }));
    await userEvent.type(screen.getByLabelText('Test case name'), 'guide payload');
    await userEvent.click(screen.getByRole('button', { name: 'Keep' }));
    expect(onSaveCase).toHaveBeenCalledWith({
      name: 'guide payload',
      payload: b64('{"value":25.1}'),
      metadata: {
        topic: 'tb/mqtt-integration-tutorial/sensors/SN-001/temperature',
        integrationName: 'MQTT Integration',
      },
      expected: JSON.parse(output),
    });
  });
  it("replaces the previous run's error with the new warning when the input is not valid", async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch(() => [200, { output: '', error: 'TypeError: boom at line 3' }]);
    const onErrorLine = vi.fn();
    renderAt(<TestPanel type="UPLINK" script={GUIDE_DECODER} onErrorLine={onErrorLine} />);
    await userEvent.click(screen.getByRole('button', { name: 'Test decoder function' }));
    await screen.findByRole('alert', { name: 'Test error' });
    fireEvent.change(screen.getByLabelText('Payload'), { target: { value: '{"value":' } });
    await userEvent.click(screen.getByRole('button', { name: 'Test decoder function' }));
    await waitFor(() => expect(screen.queryByRole('alert', { name: 'Test error' })).toBeNull());
    expect(screen.getByText(/Payload is not valid JSON/)).toBeTruthy();
    expect(onErrorLine).toHaveBeenLastCalledWith(null);
  });
});
