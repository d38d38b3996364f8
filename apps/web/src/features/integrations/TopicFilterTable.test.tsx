import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { TopicFilterTable, type TopicFilter } from './TopicFilterTable';

function Harness({
  initial,
  errors,
  onValue,
}: {
  initial: TopicFilter[];
  errors?: Record<number, string>;
  onValue: (v: TopicFilter[]) => void;
}) {
  const [v, setV] = useState(initial);
  return (
    <TopicFilterTable
      value={v}
      errors={errors}
      onChange={(n) => {
        setV(n);
        onValue(n);
      }}
    />
  );
}

describe('TopicFilterTable', () => {
  it('adds a filter, sets its QoS and removes another', async () => {
    let value: TopicFilter[] = [];
    render(
      <Harness
        initial={[{ filter: 'tb/mqtt-integration-tutorial/sensors/+/temperature', qos: 0 }]}
        onValue={(v) => (value = v)}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: '+ Add topic filter' }));
    fireEvent.change(screen.getByLabelText('Topic filter 2'), {
      target: { value: 'tb/mqtt-integration-tutorial/sensors/+/rx/response' },
    });
    fireEvent.mouseDown(screen.getAllByRole('combobox')[1]!);
    await userEvent.click(within(screen.getByRole('listbox')).getByText('1 — At least once'));
    expect(value).toEqual([
      { filter: 'tb/mqtt-integration-tutorial/sensors/+/temperature', qos: 0 },
      { filter: 'tb/mqtt-integration-tutorial/sensors/+/rx/response', qos: 1 },
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Remove topic filter 1' }));
    expect(value).toEqual([{ filter: 'tb/mqtt-integration-tutorial/sensors/+/rx/response', qos: 1 }]);
  });

  it('keeps the last filter: an integration needs one', () => {
    render(<Harness initial={[{ filter: 'a/b', qos: 0 }]} onValue={() => undefined} />);
    expect(
      (screen.getByRole('button', { name: 'Remove topic filter 1' }) as HTMLButtonElement).disabled,
    ).toBe(true);
  });

  it('explains a wildcard in the wrong place under the field', () => {
    render(<Harness initial={[{ filter: 'sensors/#/temperature', qos: 0 }]} onValue={() => undefined} />);
    expect(screen.getByText(/'#' must be a whole level and the last one/)).toBeTruthy();
  });

  it("shows the API's message for a row", () => {
    render(
      <Harness
        initial={[
          { filter: 'a/b', qos: 0 },
          { filter: 'c', qos: 2 },
        ]}
        errors={{ 1: "topic filter 'c' is not allowed" }}
        onValue={() => undefined}
      />,
    );
    expect(screen.getByText("topic filter 'c' is not allowed")).toBeTruthy();
  });
  it('shows a long filter whole, wrapped over lines, and takes no line break into it', async () => {
    let value: TopicFilter[] = [];
    const long = 'factory/building-7/floor-3/line-12/machines/+/sensors/temperature/celsius/raw';
    render(<Harness initial={[{ filter: long, qos: 0 }]} onValue={(v) => (value = v)} />);
    const field = screen.getByLabelText('Topic filter 1');
    expect(field.tagName).toBe('TEXTAREA'); // wraps instead of scrolling the end out of sight
    expect((field as HTMLTextAreaElement).value).toBe(long);
    await userEvent.type(field, '{Enter}');
    expect(value).toEqual([{ filter: long, qos: 0 }]);
  });
});
