/**
 * What a newcomer hit following the guide (issue 17), checked where it happens in the guide:
 * leaving a converter with unsaved edits asks first; the knob keeps its size while it shows why a
 * command went nowhere (before the downlink node exists); loading the tutorial example on top of
 * the guide's own setup asks first and is refused.
 */
import { expect, mainNav, rest, type Step } from './common.js';

const EDIT = '//myUnsavedEdit'; // no spaces: Monaco renders them as non-breaking ones

export const leaveWithChangesStep: Step = {
  name: 'typing in the decoder and leaving asks first: Stay keeps the text, a reload is asked too, Discard leaves',
  run: async ({ page, baseUrl, screenshot }, state) => {
    await page.goto(state.uplinkUrl);
    const lines = page.locator('.monaco-editor .view-lines');
    await lines.waitFor();
    await lines.click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type(EDIT);
    await page.getByText('Unsaved changes').waitFor();
    await mainNav(page, 'Devices');
    const dialog = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await dialog.waitFor();
    await screenshot('guide-unsaved-changes-asked');
    await dialog.getByRole('button', { name: 'Stay' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(page.url() === state.uplinkUrl, `Stay left the page for ${page.url()}`);
    expect(((await lines.textContent()) ?? '').includes(EDIT), 'Stay lost the edit');

    // a reload gets the browser's own question; answering "stay" keeps the edit
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.type());
        void d.dismiss();
      }),
    );
    await page.reload({ timeout: 3000 }).catch(() => undefined);
    expect((await asked) === 'beforeunload', 'a reload with unsaved changes was not asked');
    expect(
      ((await lines.textContent()) ?? '').includes(EDIT),
      'the edit is gone after the reload was refused',
    );

    await mainNav(page, 'Devices');
    await dialog.getByRole('button', { name: 'Discard and leave' }).click();
    await page.waitForURL(/\/devices$/);
    const saved = await rest(page, baseUrl, 'GET', `/api/converter/${state.uplinkUrl.split('/').pop()}`);
    expect(!String(saved.json?.configuration?.decoder).includes(EDIT), 'the discarded edit was saved');
  },
};

export const knobErrorStep: Step = {
  name: 'before the downlink node exists, the knob shows why and keeps its size',
  run: async ({ page, screenshot }, state) => {
    await page.goto(state.dashboardUrl);
    const knob = page.getByTestId('knob');
    await knob.waitFor();
    const before = (await knob.boundingBox())!;
    await knob.focus();
    await page.keyboard.press('ArrowUp');
    const error = page.getByTestId('knob-error');
    await error.waitFor({ timeout: 20_000 });
    const text = await error.innerText();
    expect(/Integration Downlink node/.test(text), `the knob's error does not say what is missing: ${text}`);
    const after = (await knob.boundingBox())!;
    expect(
      Math.abs(after.width - before.width) < 1 && Math.abs(after.height - before.height) < 1,
      `the knob changed size with the error: ${before.width}×${before.height} → ${after.width}×${after.height}`,
    );
    await screenshot('guide-knob-error');
    await error.getByRole('button', { name: 'Close' }).click();
  },
};

export const exampleAgainStep: Step = {
  name: '"Load the tutorial example" asks first, and with the guide\'s integration on the same topics refuses a second setup',
  run: async ({ page, baseUrl, screenshot }) => {
    await mainNav(page, 'Integrations');
    const count = async () =>
      (await rest(page, baseUrl, 'GET', '/api/integrations?pageSize=100&page=0')).json
        .totalElements as number;
    const before = await count();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Load the tutorial example' }).click();
    const ask = page.getByRole('dialog', { name: 'Load the tutorial example?' });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Load', exact: true }).click();
    const refused = page.getByRole('dialog', { name: 'Already loaded' });
    await refused.waitFor();
    const text = await refused.innerText();
    expect(
      text.includes("integration 'MQTT Integration'") && text.includes('store every reading twice'),
      `the refusal does not name the integration or say why: ${text}`,
    );
    await screenshot('guide-example-refused');
    await refused.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('alert').filter({ hasText: 'already loaded' }).waitFor();
    expect((await count()) === before, 'a refused load created an integration');
  },
};
