import { defineWidget } from '../types';
import { KnobControl, type KnobSettings } from './KnobControl';

export const knobControl = defineWidget<KnobSettings>({
  type: 'knob-control',
  name: 'Knob Control',
  category: 'Control widgets',
  description: 'Turn it to send setValue with the number to the device (RPC).',
  defaultSize: { sizeX: 6, sizeY: 6 },
  defaultSettings: {
    minValue: 0,
    maxValue: 100,
    valueDecimals: 2,
    initialValue: 0,
    setValueMethod: 'setValue',
    rpcMode: 'oneway',
    requestTimeout: 5000,
    getValueOnStart: false,
    getValueMethod: 'getValue',
    throttleMs: 250,
  },
  settingsFields: [
    { key: 'minValue', label: 'Minimum value', type: 'number' },
    { key: 'maxValue', label: 'Maximum value', type: 'number' },
    {
      key: 'valueDecimals',
      label: 'Number of digits after floating point',
      type: 'number',
      min: 0,
      max: 6,
      integer: true,
    },
    { key: 'initialValue', label: 'Initial value', type: 'number' },
    { key: 'setValueMethod', label: 'RPC set value method', type: 'string' },
    {
      key: 'rpcMode',
      label: 'RPC call',
      type: 'enum',
      options: [
        { value: 'oneway', label: 'One-way (no reply expected)' },
        { value: 'twoway', label: 'Two-way (waits for the device reply)' },
      ],
    },
    { key: 'requestTimeout', label: 'RPC request timeout (ms)', type: 'number', min: 100, integer: true },
    { key: 'getValueOnStart', label: 'Read the start value from the device', type: 'boolean' },
    { key: 'getValueMethod', label: 'RPC get value method', type: 'string' },
    {
      key: 'throttleMs',
      label: 'Send at most once per (ms) while turning',
      type: 'number',
      min: 50,
      integer: true,
    },
  ],
  usesDataKeys: false,
  Component: KnobControl,
});
