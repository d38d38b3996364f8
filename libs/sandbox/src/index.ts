export { Sandbox, scriptHash, type BatchResult, type RunResult, type ScriptStats } from './sandbox.js';
export { ScriptCompileError, ScriptNotCompiledError, type RunErrorCode } from './errors.js';
export { DEFAULT_LIMITS, type SandboxLimits } from './limits.js';
export { UPLINK_KIND, DOWNLINK_KIND, plainKind, type ScriptKind } from './kinds.js';
export { MARKER } from './prelude.js';
export { specialAt, describeSpecial } from './special.js';
