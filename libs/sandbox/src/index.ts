export {
  Sandbox,
  DEFAULT_POOL,
  scriptHash,
  type BatchResult,
  type RunResult,
  type ScriptStats,
  type PoolOptions,
  type PoolStatus,
  type CallOptions,
  type WorkerExit,
} from './sandbox.js';
export { ScriptCompileError, ScriptNotCompiledError, SandboxBusyError, type RunErrorCode } from './errors.js';
export { DEFAULT_LIMITS, type SandboxLimits } from './limits.js';
export { UPLINK_KIND, DOWNLINK_KIND, plainKind, type ScriptKind } from './kinds.js';
export { MARKER } from './prelude.js';
export { specialAt, describeSpecial } from './special.js';
