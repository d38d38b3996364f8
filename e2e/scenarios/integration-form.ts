/**
 * The integration form's "Create new" converter dialog (the guide creates its downlink converter on
 * the converters page; this keeps the dialog path covered): an integration whose downlink converter
 * is created from the form, on a private topic filter so it cannot take the guide's messages.
 */
import type { Page } from 'playwright-core';
import { expect, rest, UUID } from '../steps/common.js';
import { fillIntegrationForm } from '../steps/uplink.js';

interface Ctx {
  page: Page;
  baseUrl: string;
  mqttUrl: string;
  screenshot: (name: string) => Promise<unknown>;
}

export default async function integrationFormScenario({
  page,
  baseUrl,
  mqttUrl,
  screenshot,
}: Ctx): Promise<void> {
  const broker = new URL(mqttUrl);
  const tag = Math.random().toString(16).slice(2, 8);
  await page.goto(`${baseUrl}/integrations/new`);
  await fillIntegrationForm(
    page,
    { brokerHost: broker.hostname, brokerPort: Number(broker.port || 1883) },
    {
      name: `Dialog ${tag}`,
      uplink: 'MQTT Uplink',
      downlink: { create: `Dialog Downlink ${tag}` },
    },
  );
  await page.getByLabel('Topic filter 1', { exact: true }).fill(`e2e-dialog-${tag}/+/temperature`);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL(new RegExp(`/integrations/${UUID}$`));
  await page.getByLabel('Status: CONNECTED', { exact: true }).waitFor({ timeout: 30_000 });
  await screenshot('integration-form-dialog-converter');
  const id = page.url().split('/').pop()!;
  const saved = (await rest(page, baseUrl, 'GET', `/api/integration/${id}`)).json;
  const conv = (await rest(page, baseUrl, 'GET', `/api/converter/${saved.downlinkConverterId?.id}`)).json;
  expect(
    conv?.name === `Dialog Downlink ${tag}` && conv.type === 'DOWNLINK',
    `the downlink converter is ${JSON.stringify(conv)?.slice(0, 200)}`,
  );
  // leave the tenant as the guide left it
  expect(
    (await rest(page, baseUrl, 'DELETE', `/api/integration/${id}`)).status === 200,
    'could not delete the dialog integration',
  );
  expect(
    (await rest(page, baseUrl, 'DELETE', `/api/converter/${conv.id.id}`)).status === 200,
    'could not delete the dialog converter',
  );
}
