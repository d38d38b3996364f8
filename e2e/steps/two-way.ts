/**
 * The guide's "Simulating of Two-Way RPC": both converters changed to the guide's two-way scripts
 * in the editor, the response filter added to the integration, the device simulator
 * (apps/device-simulator, as a child process on the same broker) answering the knob's commands,
 * and SN-001's latest telemetry showing rpcReceived = OK.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../platform.js';
import { expect, GUIDE_TOPIC, replaceEditorText, rest, type Step } from './common.js';
import { GUIDE_DECODER_TWOWAY, GUIDE_ENCODER_TWOWAY } from '@bridgeboard/contracts';
import { turnKnob } from './rpc.js';

const RESPONSE_FILTER = `${GUIDE_TOPIC}/+/rx/response`;

/** The simulator as `pnpm simulate -- --url <broker> --rate 0` runs it. */
export class Simulator {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcess;

  constructor(mqttUrl: string) {
    this.proc = spawn(
      process.execPath,
      ['--import', '@swc-node/register/esm-register', 'src/main.ts', '--url', mqttUrl, '--rate', '0'],
      {
        cwd: path.join(ROOT, 'apps/device-simulator'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.proc.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((r) => this.proc.on('exit', (code) => r(code)));
  }

  async waitFor(text: string, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.stdout.includes(text)) {
      if (Date.now() > until)
        throw new Error(`the simulator did not print "${text}"; it printed:\n${this.stdout}${this.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Ctrl-C, as a user stops it; resolves with its exit code. */
  async stop(): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGINT');
    const code = await Promise.race([
      this.exited,
      new Promise<'late'>((r) => setTimeout(() => r('late'), 5000)),
    ]);
    if (code !== 'late') return code;
    this.proc.kill('SIGKILL');
    await this.exited;
    return null;
  }
}

let simulator: Simulator | null = null;

/** Stops the simulator should a step fail while it runs. */
export async function stopSimulator(): Promise<void> {
  await simulator?.stop();
  simulator = null;
}

async function changeScript(
  page: Page,
  baseUrl: string,
  url: string,
  name: string,
  script: string,
  shot: string,
  screenshot: (n: string) => Promise<unknown>,
) {
  await page.goto(url);
  await page.locator('.monaco-editor .view-lines').waitFor();
  await replaceEditorText(page, script);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText(`Converter ${name} saved`).waitFor();
  await screenshot(shot);
  const saved = await rest(page, baseUrl, 'GET', `/api/converter/${url.split('/').pop()}`);
  const got: string = saved.json?.configuration?.encoder ?? saved.json?.configuration?.decoder ?? '';
  if (got !== script) {
    const at = [...script].findIndex((ch, i) => got[i] !== ch);
    throw new Error(
      `the saved script of ${name} differs from the guide's at character ${at}: …${JSON.stringify(got.slice(Math.max(0, at - 30), at + 30))}`,
    );
  }
}

export const twoWaySteps: Step[] = [
  {
    name: "changes the downlink converter to the guide's two-way encoder in the editor",
    run: async ({ page, baseUrl, screenshot }, state) => {
      await changeScript(
        page,
        baseUrl,
        state.downlinkUrl,
        'MQTT Downlink',
        GUIDE_ENCODER_TWOWAY,
        '15-downlink-two-way',
        screenshot,
      );
    },
  },
  {
    name: "changes the uplink converter to the guide's two-way decoder in the editor",
    run: async ({ page, baseUrl, screenshot }, state) => {
      await changeScript(
        page,
        baseUrl,
        state.uplinkUrl,
        'MQTT Uplink',
        GUIDE_DECODER_TWOWAY,
        '16-uplink-two-way',
        screenshot,
      );
    },
  },
  {
    name: `adds the topic filter ${RESPONSE_FILTER} to the integration`,
    run: async ({ page, baseUrl, screenshot }, state) => {
      await page.goto(state.integrationUrl);
      await page.getByRole('button', { name: '+ Add topic filter' }).click();
      await page.getByLabel('Topic filter 2', { exact: true }).fill(RESPONSE_FILTER);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Integration MQTT Integration saved').waitFor();
      const id = state.integrationUrl.split('/').pop();
      const chip = await page
        .getByLabel('Status: CONNECTED', { exact: true })
        .waitFor({ timeout: 20_000 })
        .then(
          () => null,
          async () =>
            `the page shows ${await page.locator('[aria-label^="Status: "]').first().getAttribute('aria-label')}; the API says ${JSON.stringify((await rest(page, baseUrl, 'GET', `/api/integration/${id}/status`)).json)}`,
        );
      expect(chip === null, `the integration is not CONNECTED again after the save: ${chip}`);
      const saved = await rest(page, baseUrl, 'GET', `/api/integration/${id}`);
      const filters = (saved.json?.configuration?.topicFilters ?? []).map(
        (f: { filter: string; qos: number }) => `${f.filter} ${f.qos}`,
      );
      expect(filters.includes(`${RESPONSE_FILTER} 0`), `the integration's filters are ${filters.join(', ')}`);
      await screenshot('17-integration-response-filter');
    },
  },
  {
    name: 'starts the device simulator against the same broker',
    run: async ({ mqttUrl }) => {
      simulator = new Simulator(mqttUrl);
      await simulator.waitFor('Press Ctrl-C to stop.');
    },
  },
  {
    name: 'turning the knob makes the simulator answer, and SN-001 shows latest telemetry rpcReceived = OK',
    run: async ({ page, screenshot }, state) => {
      const sim = simulator!;
      await page.goto(state.dashboardUrl);
      await turnKnob(page);
      await sim.waitFor(`Topic: ${GUIDE_TOPIC}/SN-001/rx/twoway`);
      await sim.waitFor(
        'This is a Two-way RPC call. Going to reply now!\nSending a response message: {"rpcReceived":"OK"}',
      );
      await screenshot('18-knob-two-way');
      await page.goto(`${state.deviceUrl}`);
      await page.getByRole('tab', { name: 'Latest telemetry' }).click();
      const value = page.getByTestId('latest-rpcReceived');
      await value.waitFor({ timeout: 20_000 });
      await value.getByText('OK', { exact: true }).waitFor({ timeout: 10_000 });
      await screenshot('19-device-rpc-received');
      const code = await sim.stop();
      simulator = null;
      expect(code === 0, `the simulator exited with ${code} on Ctrl-C`);
      console.log(
        `    the simulator printed:\n      ${sim.stdout.trim().split('\n').slice(-6).join('\n      ')}`,
      );
    },
  },
];
