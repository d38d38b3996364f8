import { defineWidget } from '../types';
import { TimeseriesChart, type ChartSettings } from './TimeseriesChart';

export const timeseriesChart = defineWidget<ChartSettings>({
  type: 'timeseries-chart',
  name: 'Time series chart',
  category: 'Charts',
  description: 'A line chart of the last minutes of telemetry, updated live.',
  defaultSize: { sizeX: 10, sizeY: 6 },
  defaultSettings: { timeWindowMinutes: 15, showPoints: false },
  settingsFields: [
    {
      key: 'timeWindowMinutes',
      label: 'Time window (minutes)',
      type: 'number',
      min: 1,
      max: 1440,
      integer: true,
    },
    { key: 'showPoints', label: 'Show points', type: 'boolean' },
  ],
  usesDataKeys: true,
  Component: TimeseriesChart,
});
