/** Thrown by compile(): the script cannot be used. `line`/`column` (1-based, in the user's script) when known. */
export class ScriptCompileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line != null ? `${message} (line ${line}, column ${column})` : message);
    this.name = 'ScriptCompileError';
  }
}

/** Thrown when a caller runs a key it never compiled. */
export class ScriptNotCompiledError extends Error {
  constructor(key: string) {
    super(`No script is compiled under '${key}'`);
    this.name = 'ScriptNotCompiledError';
  }
}

/** Why one invocation failed, for callers that want to tell cases apart. */
export type RunErrorCode =
  | 'SCRIPT_ERROR'
  | 'TIMEOUT'
  | 'MEMORY'
  | 'RESULT_TOO_LARGE'
  | 'ARGS_TOO_LARGE'
  | 'SUSPENDED'
  | 'SANDBOX'
  /** the worker process died while running it (not out of memory) */
  | 'CRASHED';

/**
 * Thrown when a tenant has as many sandbox calls waiting as it may (or its test runs are paused after
 * crashing sandbox workers): a 429 with this sentence, never a stall of other tenants.
 */
export class SandboxBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxBusyError';
  }
}
