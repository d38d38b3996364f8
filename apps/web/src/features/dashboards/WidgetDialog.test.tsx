import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { DashboardConfiguration } from '@bridgeboard/contracts';
import { fakeFetch, renderAt } from '../../test/render';
import { WidgetDialog } from './WidgetDialog';

const configuration: DashboardConfiguration = {
  entityAliases: {
    a1: {
      id: 'a1',
      alias: 'Sensor',
      filter: {
        type: 'singleEntity',
        singleEntity: { entityType: 'DEVICE', id: '1b4e28ba-2fa1-41d2-883f-0016d3cca427' },
      },
    },
  },
  widgets: {},
  layout: { columns: 24, widgets: {} },
};

describe('WidgetDialog', { timeout: 20000 }, () => {
  it("adds the guide's Knob Control: alias Sensor, minimum 15, maximum 45, 0 digits, setValue", async () => {
    fakeFetch(() => [200, []]);
    const onSave = vi.fn();
    renderAt(
      <WidgetDialog open widget={null} configuration={configuration} onClose={vi.fn()} onSave={onSave} />,
    );
    const user = userEvent.setup();
    await user.click(screen.getByTestId('widget-type-knob-control'));
    for (const [key, v] of [
      ['minValue', '15'],
      ['maxValue', '45'],
      ['valueDecimals', '0'],
    ] as const) {
      const input = screen.getByTestId(`setting-${key}`);
      await user.clear(input);
      await user.type(input, v);
    }
    await user.click(screen.getByTestId('widget-save'));
    expect(onSave).toHaveBeenCalledTimes(1);
    const w = onSave.mock.calls[0]![0];
    expect(w).toMatchObject({
      type: 'knob-control',
      title: 'Knob Control',
      datasources: [{ type: 'entity', entityAliasId: 'a1', dataKeys: [] }],
    });
    expect(w.settings).toMatchObject({
      minValue: 15,
      maxValue: 45,
      valueDecimals: 0,
      setValueMethod: 'setValue',
      rpcMode: 'oneway',
    });
  });

  it('refuses digits that are not a whole number from 0 to 6, naming the field', async () => {
    fakeFetch(() => [200, []]);
    const onSave = vi.fn();
    renderAt(
      <WidgetDialog open widget={null} configuration={configuration} onClose={vi.fn()} onSave={onSave} />,
    );
    const user = userEvent.setup();
    await user.click(screen.getByTestId('widget-type-knob-control'));
    const digits = screen.getByTestId('setting-valueDecimals');
    await user.clear(digits);
    await user.type(digits, '1.5');
    await user.click(screen.getByTestId('widget-save'));
    expect(
      await screen.findByText('Number of digits after floating point must be a whole number.'),
    ).toBeTruthy();
    await user.clear(digits);
    await user.type(digits, '9');
    await user.click(screen.getByTestId('widget-save'));
    expect(await screen.findByText('Number of digits after floating point must be at most 6.')).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
  });
});
