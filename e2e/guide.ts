/**
 * ONE test of the whole MQTT integration guide (issue 8), in the guide's order, on one page:
 * log in → uplink converter with the guide's decoder → test it → downlink converter → MQTT
 * integration → mosquitto_pub {"value":25.1} → SN-001 shows temperature 25.1 → the converter's
 * Events tab → MQTT Dashboard with alias Sensor and a Knob Control → Integration Downlink node in
 * the Root Rule Chain → knob turned → {"value":N} on .../SN-001/rx → two-way converters and the
 * response filter → device simulator → knob turned → SN-001 shows rpcReceived OK.
 *
 * Each step is a function in steps/ (uplink.ts, rpc.ts, two-way.ts); the test prints every step
 * with its time, saves a screenshot after each (screenshots/guide-NN-<step>.png) and fails naming
 * the step that failed.
 */
import type { E2eTest, GuideContext, GuideState, Step } from './steps/common.js';
import { rpcSteps } from './steps/rpc.js';
import { exampleAgainStep, knobErrorStep, leaveWithChangesStep } from './steps/newcomer.js';
import { stopSimulator, twoWaySteps } from './steps/two-way.js';
import { uplinkSteps } from './steps/uplink.js';

export const GUIDE_STEPS: Step[] = [
  ...uplinkSteps,
  leaveWithChangesStep,
  rpcSteps[0]!, // the dashboard with its knob
  knobErrorStep, // before the Integration Downlink node exists
  ...rpcSteps.slice(1),
  ...twoWaySteps,
  exampleAgainStep, // the guide's own integration is there now
];

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

export function wholeGuideTest(ctx: GuideContext): E2eTest {
  return {
    name: `the whole MQTT integration guide, ${GUIDE_STEPS.length} steps in the guide's order`,
    run: async () => {
      const state: GuideState = {
        requested: [],
        uplinkUrl: '',
        downlinkUrl: '',
        integrationUrl: '',
        dashboardUrl: '',
        deviceUrl: '',
      };
      try {
        for (const [i, step] of GUIDE_STEPS.entries()) {
          const t0 = Date.now();
          const n = String(i + 1).padStart(2, '0');
          try {
            await step.run(ctx, state);
          } catch (e) {
            throw new Error(`step ${n} "${step.name}" failed: ${(e as Error).message}`, { cause: e });
          }
          await ctx.screenshot(`guide-${n}-${slug(step.name)}`);
          console.log(`  · ${n} ${step.name} (${Date.now() - t0} ms)`);
        }
      } finally {
        await stopSimulator();
      }
    },
  };
}
