import { act, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WidgetConfig } from '@bridgeboard/contracts';
import { fakeFetch, renderAt } from '../../test/render';
import { knobControl } from './index';
import { Knob } from './Knob';
import type { KnobSettings } from './KnobControl';
import { throttle } from './throttle';

const box = {
  left: 0,
  top: 0,
  width: 100,
  height: 100,
  right: 100,
  bottom: 100,
  x: 0,
  y: 0,
  toJSON: () => ({}),
};

function renderKnob(props: Partial<Parameters<typeof Knob>[0]> = {}) {
  const onChange = vi.fn();
  function Harness() {
    const [value, setValue] = useState(props.value ?? 15);
    return (
      <Knob
        min={15}
        max={45}
        digits={0}
        label="Knob"
        {...props}
        value={value}
        onChange={(v) => {
          onChange(v);
          setValue(v);
        }}
      />
    );
  }
  render(<Harness />);
  const knob = screen.getByRole('slider', { name: 'Knob' });
  vi.spyOn(knob, 'getBoundingClientRect').mockReturnValue(box as DOMRect);
  return { knob, onChange };
}

describe('Knob', { timeout: 20000 }, () => {
  it('moves one step per arrow key, a tenth of the range per page key, and stops at min and max', () => {
    const { knob, onChange } = renderKnob({ value: 15 });
    fireEvent.keyDown(knob, { key: 'ArrowUp' });
    fireEvent.keyDown(knob, { key: 'ArrowRight' });
    expect(knob.getAttribute('aria-valuenow')).toBe('17');
    fireEvent.keyDown(knob, { key: 'PageUp' });
    expect(knob.getAttribute('aria-valuenow')).toBe('20');
    fireEvent.keyDown(knob, { key: 'End' });
    expect(knob.getAttribute('aria-valuenow')).toBe('45');
    onChange.mockClear();
    fireEvent.keyDown(knob, { key: 'ArrowUp' });
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.keyDown(knob, { key: 'Home' });
    fireEvent.keyDown(knob, { key: 'ArrowDown' });
    expect(knob.getAttribute('aria-valuenow')).toBe('15');
  });

  it('uses steps of the configured digits after the point', () => {
    const { knob, onChange } = renderKnob({ value: 1, min: 0, max: 2, digits: 1 });
    fireEvent.keyDown(knob, { key: 'ArrowUp' });
    expect(onChange).toHaveBeenLastCalledWith(1.1);
    expect(knob.getAttribute('aria-valuetext')).toBe('1.1');
  });

  it('takes its value from the pointer angle while dragged, rounded to the digits and kept within min..max', () => {
    const { knob, onChange } = renderKnob({ value: 15 });
    fireEvent.pointerDown(knob, { clientX: 50, clientY: 0, pointerId: 1 }); // 12 o'clock: the middle
    expect(onChange).toHaveBeenLastCalledWith(30);
    fireEvent.pointerMove(knob, { clientX: 100, clientY: 50, pointerId: 1 }); // 3 o'clock: 225° of 270°
    expect(onChange).toHaveBeenLastCalledWith(40);
    fireEvent.pointerMove(knob, { clientX: 60, clientY: 100, pointerId: 1 }); // past the end: stays at max
    expect(onChange).toHaveBeenLastCalledWith(45);
    fireEvent.pointerUp(knob, { pointerId: 1 });
    onChange.mockClear();
    fireEvent.pointerMove(knob, { clientX: 0, clientY: 50, pointerId: 1 }); // not dragging any more
    expect(onChange).not.toHaveBeenCalled();
    for (const v of onChange.mock.calls.flat()) expect(Number.isInteger(v)).toBe(true);
  });

  it('does nothing while disabled', () => {
    const { knob, onChange } = renderKnob({ disabled: true });
    fireEvent.keyDown(knob, { key: 'ArrowUp' });
    fireEvent.pointerDown(knob, { clientX: 50, clientY: 0, pointerId: 1 });
    expect(onChange).not.toHaveBeenCalled();
  });
});

describe('throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first value at once, then the latest once per interval, ending with the last one', () => {
    const sent: number[] = [];
    const t = throttle((v: number) => sent.push(v), 250);
    for (let v = 16; v <= 25; v++) t(v);
    expect(sent).toEqual([16]);
    vi.advanceTimersByTime(250);
    expect(sent).toEqual([16, 25]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([16, 25]);
    t(30);
    expect(sent).toEqual([16, 25, 30]);
  });
});

describe('Knob Control widget', { timeout: 20000 }, () => {
  const widget: WidgetConfig = {
    id: 'w1',
    type: 'knob-control',
    title: 'Knob',
    datasources: [{ type: 'entity', entityAliasId: 'a1', dataKeys: [] }],
    settings: {},
  };
  const settings = (s: Partial<KnobSettings> = {}): KnobSettings => ({
    ...(knobControl.defaultSettings as KnobSettings),
    minValue: 15,
    maxValue: 45,
    valueDecimals: 0,
    ...s,
  });
  const show = (s: KnobSettings) =>
    renderAt(
      <knobControl.Component
        widget={widget}
        settings={s}
        device={{ id: 'dev-1', name: 'SN-001' }}
        dataKeys={[]}
        editing={false}
      />,
    );

  it('sends setValue with the number as params, throttled to a short series while turning', async () => {
    const rpc = fakeFetch(() => [200, undefined]);
    show(settings());
    const knob = await screen.findByRole('slider', { name: 'Knob' });
    for (let i = 0; i < 10; i++) fireEvent.keyDown(knob, { key: 'ArrowUp' });
    const rpcCalls = () => rpc.calls.filter((c) => c.url.startsWith('/api/plugins/rpc/'));
    expect(rpcCalls()).toHaveLength(1);
    await vi.waitFor(() => expect(rpcCalls()).toHaveLength(2));
    await act(() => new Promise((r) => setTimeout(r, 400)));
    const calls = rpcCalls();
    expect(calls.map((c) => c.url)).toEqual([
      '/api/plugins/rpc/oneway/dev-1',
      '/api/plugins/rpc/oneway/dev-1',
    ]);
    expect(calls.map((c) => c.body)).toEqual([
      { method: 'setValue', params: 16, timeout: 5000 },
      { method: 'setValue', params: 25, timeout: 5000 },
    ]);
    await vi.waitFor(() => expect(screen.getByTestId('knob-status').textContent).toBe('SN-001: sent 25'));
  });

  it('uses two-way calls and another method when configured', async () => {
    const rpc = fakeFetch(() => [200, { ok: true }]);
    show(settings({ rpcMode: 'twoway', setValueMethod: 'setTemperature', requestTimeout: 2000 }));
    fireEvent.keyDown(await screen.findByRole('slider'), { key: 'End' });
    expect(rpc.calls.at(-1)).toMatchObject({
      url: '/api/plugins/rpc/twoway/dev-1',
      body: { method: 'setTemperature', params: 45, timeout: 2000 },
    });
    // answered: nothing of this test lands in the next one
    await vi.waitFor(() => expect(screen.getByTestId('knob-status').textContent).toContain('sent 45'));
  });

  it('shows the API sentence when a call fails', async () => {
    fakeFetch(() => [
      409,
      {
        status: 409,
        message: "Integration 'MQTT Integration' is not connected",
        errorCode: 35,
        timestamp: 1,
      },
    ]);
    show(settings());
    fireEvent.keyDown(await screen.findByRole('slider'), { key: 'ArrowUp' });
    expect((await screen.findByTestId('knob-error')).textContent).toContain(
      "setValue(16) failed: Integration 'MQTT Integration' is not connected",
    );
  });

  it('starts from the device value read with a two-way getValue when asked to', async () => {
    const rpc = fakeFetch((c) => [
      200,
      c.body && (c.body as { method: string }).method === 'getValue' ? { value: 33 } : undefined,
    ]);
    show(settings({ getValueOnStart: true }));
    await vi.waitFor(() => expect(screen.getByRole('slider').getAttribute('aria-valuenow')).toBe('33'));
    expect(rpc.calls[0]).toMatchObject({
      url: '/api/plugins/rpc/twoway/dev-1',
      body: { method: 'getValue', params: null },
    });
  });
  it('reopens at the last value it sent to the device, not at the initial value', async () => {
    fakeFetch(() => [200, undefined]);
    const first = show(settings({ initialValue: 15 }));
    fireEvent.keyDown(await screen.findByRole('slider'), { key: 'End' });
    await vi.waitFor(() => expect(screen.getByTestId('knob-status').textContent).toBe('SN-001: sent 45'));
    first.unmount();
    show(settings({ initialValue: 15 }));
    expect((await screen.findByRole('slider')).getAttribute('aria-valuenow')).toBe('45');
  });

  it('shows that it waits for a two-way reply, then the reply beside the value sent', async () => {
    let answer: (v: [number, unknown]) => void = () => undefined;
    fakeFetch(() => new Promise((r) => (answer = r)));
    show(settings({ rpcMode: 'twoway' }));
    fireEvent.keyDown(await screen.findByRole('slider'), { key: 'ArrowUp' });
    expect(await screen.findByRole('progressbar', { name: 'Waiting for the device' })).toBeTruthy();
    act(() => answer([200, { rpcReceived: 'OK' }]));
    await vi.waitFor(() =>
      expect(screen.getByTestId('knob-status').textContent).toBe(
        'SN-001: sent 16 · reply {"rpcReceived":"OK"}',
      ),
    );
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it("lays an error over the widget instead of taking the dial's room, and keeps the status line", async () => {
    fakeFetch(() => [
      409,
      { status: 409, message: 'No rule node handles RPC Request to Device yet', errorCode: 35, timestamp: 1 },
    ]);
    show(settings());
    fireEvent.keyDown(await screen.findByRole('slider'), { key: 'ArrowUp' });
    const error = await screen.findByTestId('knob-error');
    expect(getComputedStyle(error).position).toBe('absolute');
    expect(screen.getByTestId('knob-status')).toBeTruthy();
  });

  it('does not select the number as text while the dial is dragged', async () => {
    fakeFetch(() => [200, undefined]);
    show(settings());
    expect(getComputedStyle(await screen.findByRole('slider')).userSelect).toBe('none');
  });
});
