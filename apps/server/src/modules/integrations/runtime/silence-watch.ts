/**
 * "Expected at least one message every N minutes" (configuration.silenceAlertMin) for one running
 * integration. A timer looks now and then (a tenth of the limit, between 250 ms and 10 s); the
 * message path only calls heard(), which costs a comparison unless the integration was silent.
 */
export class SilenceWatch {
  private timer: NodeJS.Timeout | null = null;
  private silent = false;

  constructor(
    private readonly limitMs: number,
    /** last uplink (ms), or when watching began; and whether the connection is up (silence counts only then) */
    private readonly probe: () => { lastMessageTime: number; connected: boolean },
    private readonly changed: (silent: boolean, silentForMs: number) => void,
  ) {}

  get isSilent(): boolean {
    return this.silent;
  }

  start(): void {
    const every = Math.min(10_000, Math.max(250, this.limitMs / 10));
    this.timer = setInterval(() => this.check(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** An uplink arrived: a silent integration is silent no more. */
  heard(): void {
    if (!this.silent) return;
    this.silent = false;
    this.changed(false, 0);
  }

  private check(): void {
    if (this.silent) return;
    const { lastMessageTime, connected } = this.probe();
    const quiet = Date.now() - lastMessageTime;
    if (!connected || quiet <= this.limitMs) return;
    this.silent = true;
    this.changed(true, quiet);
  }
}
