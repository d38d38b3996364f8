/**
 * The guide's uplink decoder (mqtt-integration-guide.md), and the variant the benchmark counts with.
 * The variant differs in one line: telemetry carries `ts: data.t` (the publish time the publisher
 * puts in the payload), so each message is one stored row (two messages of one device decoded
 * in the same millisecond would otherwise overwrite each other) and latency can be read back.
 */
export const GUIDE_DECODER = `/** Decoder **/

// decode payload to string
var payloadStr = decodeToString(payload);
var data = JSON.parse(payloadStr);
var topicPattern = 'tb/mqtt-integration-tutorial/sensors/(.+)/temperature';

var deviceName =  metadata.topic.match(topicPattern)[1];
// decode payload to JSON
var deviceType = 'sensor';

// Result object with device attributes/telemetry data
var result = {
   deviceName: deviceName,
   deviceType: deviceType,
   attributes: {
       integrationName: metadata['integrationName'],
   },
   telemetry: {
       temperature: data.value,
   }
};

/** Helper functions **/

function decodeToString(payload) {
   return String.fromCharCode.apply(String, payload);
}

function decodeToJson(payload) {
   // convert payload to string.
   var str = decodeToString(payload);

   // parse string to JSON
   var data = JSON.parse(str);
   return data;
}

return result;
`;

export const BENCH_DECODER = GUIDE_DECODER.replace(
  'telemetry: {\n       temperature: data.value,\n   }',
  'telemetry: {\n       ts: data.t,\n       values: { temperature: data.value },\n   }',
);
if (BENCH_DECODER === GUIDE_DECODER) throw new Error('bench decoder variant did not apply');

/** The guide's topic, behind a per-run prefix so the load never reaches anyone else's subscriptions. */
export const topicOf = (prefix: string, device: string) =>
  `${prefix}/tb/mqtt-integration-tutorial/sensors/${device}/temperature`;
export const filterOf = (prefix: string) => `${prefix}/tb/mqtt-integration-tutorial/sensors/+/temperature`;
