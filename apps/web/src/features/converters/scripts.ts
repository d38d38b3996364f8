// The user guide's test input (mqtt-integration-guide.md): the Test panel starts from them.
// The guide's scripts themselves are GUIDE_DECODER/GUIDE_ENCODER in @bridgeboard/contracts.

export const GUIDE_TOPIC = 'tb/mqtt-integration-tutorial/sensors/SN-001/temperature';
export const GUIDE_PAYLOAD = '{"value":25.1}';
