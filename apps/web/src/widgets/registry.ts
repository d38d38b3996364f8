// Every dashboard widget, one line each: a widget is its folder plus its line here
// (registry.test.ts fails when a folder is not listed).
import type { WidgetDefinition } from './types';
import { knobControl } from './knob-control';
import { latestValues } from './latest-values';
import { switchControl } from './switch-control';
import { timeseriesChart } from './timeseries-chart';

export const widgetRegistry: WidgetDefinition[] = [knobControl, switchControl, latestValues, timeseriesChart];

export function findWidget(type: string): WidgetDefinition | undefined {
  return widgetRegistry.find((w) => w.type === type);
}
