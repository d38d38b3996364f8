import { defineWidget } from '../types';
import { LatestValues, type LatestValuesSettings } from './LatestValues';

export const latestValues = defineWidget<LatestValuesSettings>({
  type: 'latest-values',
  name: 'Latest values',
  category: 'Cards',
  description: 'The latest value of each telemetry key, updated live.',
  defaultSize: { sizeX: 6, sizeY: 4 },
  defaultSettings: { decimals: 1, showTimestamp: true },
  settingsFields: [
    {
      key: 'decimals',
      label: 'Digits after the point (numbers)',
      type: 'number',
      min: 0,
      max: 6,
      integer: true,
    },
    { key: 'showTimestamp', label: 'Show when each value arrived', type: 'boolean' },
  ],
  usesDataKeys: true,
  Component: LatestValues,
});
