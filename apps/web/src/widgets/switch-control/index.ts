import { defineWidget } from '../types';
import { SwitchControl, type SwitchSettings } from './SwitchControl';

export const switchControl = defineWidget<SwitchSettings>({
  type: 'switch-control',
  name: 'Switch control',
  category: 'Control widgets',
  description: 'Sends setValue true or false to the device (RPC).',
  defaultSize: { sizeX: 5, sizeY: 3 },
  defaultSettings: {
    setValueMethod: 'setValue',
    rpcMode: 'oneway',
    requestTimeout: 5000,
    getValueOnStart: false,
    getValueMethod: 'getValue',
    onLabel: 'On',
    offLabel: 'Off',
  },
  settingsFields: [
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
    { key: 'onLabel', label: 'Label when on', type: 'string' },
    { key: 'offLabel', label: 'Label when off', type: 'string' },
  ],
  usesDataKeys: false,
  Component: SwitchControl,
});
