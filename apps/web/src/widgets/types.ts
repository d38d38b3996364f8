import type { ComponentType } from 'react';
import type { DataKey, WidgetConfig } from '@bridgeboard/contracts';

/** One settings field; the widget dialog generates its form from these (no per-widget form code). */
export type SettingField =
  | { key: string; label: string; type: 'string'; help?: string }
  | {
      key: string;
      label: string;
      type: 'number';
      min?: number;
      max?: number;
      integer?: boolean;
      help?: string;
    }
  | { key: string; label: string; type: 'boolean'; help?: string }
  | { key: string; label: string; type: 'enum'; options: { value: string; label: string }[]; help?: string };

/** What a widget gets from the dashboard: its saved config and the entity its alias resolved to. */
export interface WidgetProps<S = Record<string, unknown>> {
  widget: WidgetConfig;
  settings: S;
  /** the device of the widget's first data source (null when the widget has no alias or it did not resolve) */
  device: { id: string; name: string } | null;
  dataKeys: DataKey[];
  /** true while the dashboard is being edited (controls must not send commands then) */
  editing: boolean;
}

export interface WidgetDefinition<S extends Record<string, unknown> = Record<string, unknown>> {
  /** stable name saved in the dashboard JSON */
  type: string;
  name: string;
  category: 'Control widgets' | 'Cards' | 'Charts';
  description: string;
  /** grid cells on a 24-column dashboard */
  defaultSize: { sizeX: number; sizeY: number };
  defaultSettings: S;
  settingsFields: SettingField[];
  /** whether the user picks data keys (telemetry) for it; control widgets only need the device */
  usesDataKeys: boolean;
  Component: ComponentType<WidgetProps<S>>;
}

/** Lets a registry hold definitions with different settings types. */
export const defineWidget = <S extends Record<string, unknown>>(d: WidgetDefinition<S>): WidgetDefinition =>
  d as unknown as WidgetDefinition;
