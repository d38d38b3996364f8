import type { ExtraLib } from '../../ui/CodeEditor';

// Globals of converter scripts, given to Monaco so the user gets completion and red underlines.
const common = `
/** Captured and shown under the test output. */
declare const console: { log(...args: any[]): void; info(...args: any[]): void; warn(...args: any[]): void; error(...args: any[]): void; debug(...args: any[]): void };
/** A flat value; a nested object is stored as JSON. */
type KvValue = string | number | boolean | null | object;
type KvMap = { [key: string]: KvValue };
`;

export const decoderLib: ExtraLib = {
  filePath: 'file:///bridgeboard/decoder-globals.d.ts',
  content: `${common}
/** The message payload as bytes (0..255). Text: String.fromCharCode.apply(String, payload). */
declare const payload: number[];
/** Message metadata: the MQTT topic, the integration's name and the integration's own metadata entries. */
declare const metadata: { topic: string; integrationName: string; [key: string]: string };
/** A telemetry entry with its own timestamp (ms). */
interface TsValues { ts: number; values: KvMap }
/** What the decoder returns (one of these, or an array of them). */
interface DecoderResult {
  /** Required: the device to create or update, e.g. "SN-001". */
  deviceName: string;
  /** Required: the device type, e.g. "sensor". */
  deviceType: string;
  /** Saved as server-side attributes. */
  attributes?: KvMap;
  /** {key: value} (timestamped now), {ts, values} or [{ts, values}]. */
  telemetry?: KvMap | TsValues | TsValues[];
}
`,
};

export const encoderLib: ExtraLib = {
  filePath: 'file:///bridgeboard/encoder-globals.d.ts',
  content: `${common}
/** The message data, parsed from JSON. For RPC: {method, params} where params is JSON text ("32", "\\"abc\\""). */
declare const msg: { method?: string; params?: string; [key: string]: any };
/** The message metadata: deviceName, deviceType, and for RPC requestUUID, oneway, expirationTime. */
declare const metadata: { deviceName: string; deviceType: string; [key: string]: string };
/** The rule engine message type, e.g. RPC_CALL_FROM_SERVER_TO_DEVICE. */
declare const msgType: 'RPC_CALL_FROM_SERVER_TO_DEVICE' | 'ATTRIBUTES_UPDATED' | 'POST_TELEMETRY_REQUEST' | string;
/** The integration's metadata map. */
declare const integrationMetadata: { [key: string]: string };
/** What the encoder returns. */
interface EncoderResult {
  /** How data is written: JSON or TEXT as is, BINARY as base64. */
  contentType: 'JSON' | 'TEXT' | 'BINARY';
  /** The payload sent to the broker. */
  data: string;
  /** Used by the integration, e.g. {topic: ...} for the downlink topic pattern \${topic}. */
  metadata?: { [key: string]: string };
}
`,
};
