/** Entities as the server answers them, for component tests: change only what the test is about. */
import type { Converter, Integration } from '@bridgeboard/contracts';
import { emptyIntegration } from '../features/integrations/integrations.api';

export function converterFixture(id: string, p: Partial<Converter> = {}): Converter {
  return {
    id: { entityType: 'CONVERTER', id },
    createdTime: 1_700_000_000_000,
    tenantId: { entityType: 'TENANT', id: 't' },
    name: 'MQTT Uplink',
    type: 'UPLINK',
    debugMode: false,
    debugModePinned: false,
    debugModeSince: null,
    debugModeUntil: null,
    version: 1,
    configuration: { scriptLang: 'JS', decoder: 'return {};' },
    additionalInfo: null,
    testCases: [],
    ...p,
  };
}

export function integrationFixture(id: string, p: Partial<Integration> = {}): Integration {
  return {
    ...emptyIntegration(),
    id: { entityType: 'INTEGRATION', id },
    createdTime: 1,
    tenantId: { entityType: 'TENANT', id: 't' },
    type: 'MQTT',
    debugMode: false,
    debugModeSince: null,
    debugModePinned: false,
    debugModeUntil: null,
    defaultConverterId: { entityType: 'CONVERTER', id: 'c1' },
    downlinkConverterId: null,
    additionalInfo: null,
    version: 1,
    routingKey: 'rk',
    secret: null,
    status: { status: 'CONNECTED', messagesIn: 0, messagesOut: 0, errors: 0, lastMessageTime: null },
    ...p,
  };
}
