/**
 * Import and export in the browser: "Load the tutorial example" creates the guide's whole setup
 * with one click, and its knob works at once (SN-001 exists after the guide); the integration's
 * Export button downloads a document without secrets; "Import from a file…" takes an exported
 * dashboard back. Runs after the guide in the same tenant (logged in).
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, rest } from '../steps/common.js';
import { knobReachesRx } from '../steps/rpc.js';

interface Ctx {
  page: Page;
  baseUrl: string;
  mqttUrl: string;
  screenshot: (name: string) => Promise<unknown>;
}

export default async function tutorialExampleScenario({
  page,
  baseUrl,
  mqttUrl,
  screenshot,
}: Ctx): Promise<void> {
  await page.goto(`${baseUrl}/integrations`);
  const before = (await rest(page, baseUrl, 'GET', '/api/integrations?pageSize=100&page=0')).json
    .totalElements as number;
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Load the tutorial example' }).click();
  await page
    .getByRole('dialog', { name: 'Load the tutorial example?' })
    .getByRole('button', { name: 'Load', exact: true })
    .click();
  // the guide's integration already listens on those topics: the user insists on a second copy
  await page
    .getByRole('dialog', { name: 'Already loaded' })
    .getByRole('button', { name: 'Load a second copy' })
    .click();
  await page
    .getByText(
      /Imported converter MQTT Uplink, converter MQTT Downlink, integration MQTT Integration, rule chain Root Rule Chain, dashboard MQTT Dashboard\./,
    )
    .waitFor();
  const rows = page
    .getByRole('table', { name: 'Integrations' })
    .getByRole('row')
    .filter({ hasText: 'MQTT Integration' });
  await page.waitForFunction(
    (n) => document.querySelectorAll('table[aria-label="Integrations"] tbody tr').length > n,
    before,
  );
  await screenshot('import-example-loaded');
  const list = (
    await rest(
      page,
      baseUrl,
      'GET',
      '/api/integrations?pageSize=100&page=0&sortProperty=createdTime&sortOrder=DESC',
    )
  ).json;
  const imported = list.data[0] as { id: { id: string }; name: string };
  expect(
    imported.name === 'MQTT Integration' && list.totalElements === before + 1,
    `the example added no integration: ${JSON.stringify(list.data.map((i: { name: string }) => i.name))}`,
  );
  expect((await rows.count()) >= 2, 'the list does not show the imported integration');

  // Export downloads a document without secrets that names the converters too
  await page.goto(`${baseUrl}/integrations/${imported.id.id}`);
  await page.getByLabel('Status: CONNECTED', { exact: true }).waitFor({ timeout: 30_000 });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export', exact: true }).click(),
  ]);
  const doc = JSON.parse(await readFile((await download.path())!, 'utf8'));
  expect(
    download.suggestedFilename() === 'MQTT_Integration.json',
    `the file is named ${download.suggestedFilename()}`,
  );
  expect(
    doc.format === 'bridgeboard-export' && doc.converters.length === 2 && doc.integrations.length === 1,
    `unexpected export: ${JSON.stringify(doc).slice(0, 300)}`,
  );
  expect(!/"password"|"privateKey"/.test(JSON.stringify(doc)), 'the export carries a secret field');

  // the example's dashboard: its alias found SN-001 by name, and its knob goes through the example's chain
  const dashboards = (
    await rest(
      page,
      baseUrl,
      'GET',
      '/api/tenant/dashboards?pageSize=100&page=0&sortProperty=createdTime&sortOrder=DESC',
    )
  ).json.data;
  const dash = dashboards.find((d: { title: string }) => d.title === 'MQTT Dashboard') as {
    id: { id: string };
  };
  const values = await knobReachesRx(page, mqttUrl, `${baseUrl}/dashboards/${dash.id.id}`, (n) =>
    screenshot(`import-example-${n}`),
  );
  expect(values.length >= 2, `the example's knob sent ${values.length} values`);

  // Export the dashboard and import the file back from the dashboards list
  await page.goto(`${baseUrl}/dashboards/${dash.id.id}`);
  const [dashFile] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export', exact: true }).click(),
  ]);
  await page.goto(`${baseUrl}/dashboards`);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByLabel('Import file').setInputFiles((await dashFile.path())!);
  await page.getByText('Imported dashboard MQTT Dashboard.').waitFor();
  await screenshot('import-dashboard-file');
  const after = (await rest(page, baseUrl, 'GET', '/api/tenant/dashboards?pageSize=100&page=0')).json
    .totalElements as number;
  expect(after === dashboards.length + 1, `expected ${dashboards.length + 1} dashboards, found ${after}`);
}
